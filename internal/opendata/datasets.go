package opendata

import (
	"context"
	"slices"
	"strings"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/stats"
	"github.com/aldyn-kg/aldyn/internal/store"
)

// The platform's own datasets. Other modules register theirs the same way,
// from their own package (see the package comment).
func init() {
	Register(Dataset{
		Slug: "offenses-monthly", Theme: ThemeOffenses, Frequency: Monthly,
		Keywords: []string{"crime", "offenses", "police", "statistics", "kyrgyzstan"},
		Title: aldyn.Text{
			KY: "Укук бузуулар: категориялар, аймактар жана айлар боюнча",
			RU: "Правонарушения по категориям, территориям и месяцам",
			EN: "Offenses by category, territory and month",
		},
		Description: aldyn.Text{
			KY: "Кылмыштардын жана укук бузуулардын бирдиктүү реестрлеринде катталган укук бузуулардын саны: категория × өлкө, облус жана район × календардык ай, жылдык эсепте 100 000 тургунга туура келген көрсөткүч менен. Зордуктоо, үй-бүлөлүк зомбулук жана балдарга каршы кылмыштар бул жерде жок: алар өзүнчө, облус × чейрек деңгээлинде гана жарыяланат. 1ден k−1ге чейинки сандар жана аларды эсептеп чыгарууга мүмкүн болгон сандар жашырылат.",
			RU: "Число правонарушений, зарегистрированных в единых реестрах преступлений и проступков: категория × страна, область и район × календарный месяц, с показателем на 100 000 жителей в пересчёте на год. Изнасилования, семейное насилие и преступления против детей сюда не входят: они публикуются отдельно, только по областям и кварталам. Числа от 1 до k−1 и числа, по которым их можно вычислить, скрыты.",
			EN: "Offenses registered in the unified registers of crimes and offenses: category × country, region and district × calendar month, with the rate per 100,000 residents, annualised. Rape, domestic violence and crimes against children are not here: they are published apart, by region and quarter only. Counts from 1 to k−1, and the counts they could be recomputed from, are withheld.",
		},
		Source: StatsSource, Build: buildOffensesMonthly,
		Chart: &ChartSpec{Table: "counts", X: "month", Y: "count", Where: map[string]string{"level": LevelCountry, "category": TotalCategory}, Points: 24},
	})
	Register(Dataset{
		Slug: "sensitive-offenses-quarterly", Theme: ThemeOffenses, Frequency: Quarterly,
		Keywords: []string{"crime", "domestic-violence", "children", "statistics", "kyrgyzstan"},
		Title: aldyn.Text{
			KY: "Зордуктоо, үй-бүлөлүк зомбулук жана балдарга каршы кылмыштар: облустар жана чейректер боюнча",
			RU: "Изнасилования, семейное насилие и преступления против детей по областям и кварталам",
			EN: "Rape, domestic violence and crimes against children by region and quarter",
		},
		Description: aldyn.Text{
			KY: "Жабырлануучуну таанытып коюшу мүмкүн болгон укук бузуулар өлкө жана облус × календардык чейрек деңгээлинде гана жарыяланат, андан майда эмес. 1ден k−1ге чейинки сандар жана аларды эсептеп чыгарууга мүмкүн болгон сандар жашырылат.",
			RU: "Правонарушения, по которым можно узнать потерпевшего, публикуются только по стране и областям × календарный квартал, не подробнее. Числа от 1 до k−1 и числа, по которым их можно вычислить, скрыты.",
			EN: "Offenses that could point at a victim are published by country and region × calendar quarter only, never finer. Counts from 1 to k−1, and the counts they could be recomputed from, are withheld.",
		},
		Source: StatsSource, Build: buildSensitiveQuarterly,
		Chart: &ChartSpec{Table: "counts", X: "series", Y: "count", Where: map[string]string{"level": LevelCountry}},
	})
	Register(Dataset{
		Slug: "offenses-grid-quarterly", Theme: ThemeOffenses, Frequency: Quarterly, Spatial: true,
		Keywords: []string{"crime", "offenses", "grid", "map", "kyrgyzstan"},
		Title: aldyn.Text{
			KY: "Укук бузуулар 8 км торчодо: категориялар топтору жана чейректер боюнча",
			RU: "Правонарушения на сетке 8 км по группам категорий и кварталам",
			EN: "Offenses on an 8 km grid by category group and quarter",
		},
		Description: aldyn.Text{
			KY: "Жайгашкан жери белгилүү укук бузуулардын саны 8 км квадрат уячаларда, ар бир район өзүнчө (жазуулар райондун чегинен жылдырылбайт), категориялар тобу × акыркы сегиз календардык чейрек. Зордуктоо жана сезимтал топтор кирбейт. Жок уяча — нөл. 1ден k−1ге чейинки сандар жана аларды райондун жыйынтыгынан эсептеп чыгарууга мүмкүн болгон сандар жашырылат.",
			RU: "Число правонарушений с известным местом в квадратных ячейках 8 км, отдельно по каждому району (записи не переносятся через границу района), группа категорий × последние восемь календарных кварталов. Изнасилования и чувствительные подгруппы не входят. Отсутствующая ячейка — ноль. Числа от 1 до k−1 и числа, по которым их можно вычислить из итога района, скрыты.",
			EN: "Located offenses counted in 8 km square cells, each district apart (no record is moved across a district boundary), by category group × the last eight calendar quarters. Rape and the sensitive subgroups are left out. A cell without a row counts zero. Counts from 1 to k−1, and counts they could be recomputed from with the district's total, are withheld.",
		},
		Source: StatsSource, Build: buildOffenseGrid,
		Chart: &ChartSpec{Table: "cells", X: "category_group", Y: "count"},
	})
	Register(Dataset{
		Slug: "concept-official-statistics", Theme: ThemeOfficial, Frequency: Never,
		Keywords: []string{"official-statistics", "concept", "crime", "kyrgyzstan"},
		Title: aldyn.Text{
			KY: "Концепциядагы расмий статистика",
			RU: "Официальная статистика Концепции",
			EN: "Official statistics of the Concept",
		},
		Description: aldyn.Text{
			KY: "Укук бузуулардын алдын алуу концепциясында келтирилген расмий көрсөткүчтөр, булагы жана бөлүмү менен.",
			RU: "Официальные показатели, приведённые в Концепции профилактики правонарушений, с источником и разделом.",
			EN: "The official figures the Concept for offense prevention states, with their source and section.",
		},
		Source: func(context.Context, *store.DB) (string, error) { return "refdata", nil },
		Build:  buildOfficial,
	})
	Register(Dataset{
		Slug: "plan-progress", Theme: ThemePlans, Frequency: Quarterly,
		Keywords: []string{"plans", "measures", "budget", "indicators", "monitoring"},
		Title: aldyn.Text{
			KY: "Пландардын аткарылышы",
			RU: "Выполнение планов",
			EN: "Plan progress",
		},
		Description: aldyn.Text{
			KY: "Бекитилген пландар: иш-чаралар жана алардын абалы, булактар боюнча пландалган жана жумшалган бюджет, индикаторлордун базалык, максаттуу жана иш жүзүндөгү маанилери.",
			RU: "Утверждённые планы: мероприятия и их статус, бюджет запланированный и израсходованный по источникам, индикаторы с базовым, целевым и фактическим значениями.",
			EN: "Approved plans: measures and their status, budget planned and spent by source, indicators with baseline, target and actual values.",
		},
		Source: WritesSource, Build: buildPlanProgress,
		Chart: &ChartSpec{Table: "budget", X: "source", Y: "spent_kgs"},
	})
	Register(Dataset{
		Slug: "coordination", Theme: ThemeCoordination, Frequency: Quarterly,
		Keywords: []string{"coordination", "meetings", "decisions"},
		Title: aldyn.Text{
			KY: "Координациялык органдардын иши",
			RU: "Работа координационных органов",
			EN: "Work of the coordination bodies",
		},
		Description: aldyn.Text{
			KY: "Ар бир координациялык органдын жылдар боюнча өткөргөн жыйындары жана чечимдеринин абалы. Протоколдордун тексти жок.",
			RU: "Проведённые заседания каждого координационного органа по годам и статус их решений. Без текста протоколов.",
			EN: "Meetings held by each coordination body by year, and the status of their decisions. No minutes text.",
		},
		Source: WritesSource, Build: buildCoordination,
		Chart: &ChartSpec{Table: "meetings-decisions", X: "year", Y: "meetings_held"},
	})
}

// WritesSource is the Source of datasets built from what users write
// (plans, reports, meetings): store.WritesVersion.
func WritesSource(ctx context.Context, db *store.DB) (string, error) { return db.WritesVersion(ctx) }

func text(ky, ru, en string) aldyn.Text { return aldyn.Text{KY: ky, RU: ru, EN: en} }

func field(name, typ string, title, desc aldyn.Text) Field {
	return Field{Name: name, Type: typ, Title: title, Description: desc}
}

func buildOfficial(ctx context.Context, in Input) ([]*Table, error) {
	t := &Table{Name: "figures", Title: text("Көрсөткүчтөр", "Показатели", "Figures"), Fields: []Field{
		field("indicator_key", "string", text("Көрсөткүчтүн коду", "Код показателя", "Indicator key"), text("Көрсөткүчтүн туруктуу коду.", "Постоянный код показателя.", "The figure's stable key.")),
		field("indicator_ky", "string", text("Көрсөткүч (кыргызча)", "Показатель (на кыргызском)", "Indicator (Kyrgyz)"), text("Концепциядагы аталышы.", "Название в Концепции.", "The name the Concept gives.")),
		field("indicator_en", "string", text("Көрсөткүч (англисче)", "Показатель (на английском)", "Indicator (English)"), text("Англисче аталышы.", "Название на английском.", "The name in English.")),
		field("territory", "string", text("Аймак", "Территория", "Territory"), text("Көрсөткүч тиешелүү аймак.", "Территория, к которой относится показатель.", "The territory the figure is for.")),
		field("year", "string", text("Жыл же мезгил", "Год или период", "Year or period"), text("Жыл, мезгил (2018-2020) же undated.", "Год, период (2018-2020) или undated.", "A year, a period (2018-2020) or undated.")),
		field("value", "number", text("Маани", "Значение", "Value"), text("Көрсөткүчтүн мааниси.", "Значение показателя.", "The figure's value.")),
		field("unit", "string", text("Өлчөм бирдиги", "Единица", "Unit"), text("Маанинин бирдиги.", "Единица значения.", "The unit of the value.")),
		field("section", "string", text("Бөлүм", "Раздел", "Section"), text("Концепциянын бөлүмү же таблицасы.", "Раздел или таблица Концепции.", "The Concept's section or table.")),
		field("source_en", "string", text("Булак", "Источник", "Source"), text("Маалыматтын булагы.", "Источник данных.", "The source of the figure.")),
	}}
	for _, f := range stats.Official() {
		t.Rows = append(t.Rows, []any{f.Key, f.IndicatorKY, f.IndicatorEN, f.Territory, f.Year, f.Value, f.Unit, f.Section, f.SourceEN})
	}
	return []*Table{t}, nil
}

// approvedPlans returns the plans in force or closed: drafts and
// superseded versions are not published.
func approvedPlans(ctx context.Context, db *store.DB) ([]*aldyn.Plan, error) {
	var out []*aldyn.Plan
	for _, st := range []aldyn.PlanStatus{aldyn.PlanApproved, aldyn.PlanClosed} {
		st := st
		ps, err := aldyn.AllPages(aldyn.Page{}, func(p aldyn.Page) ([]*aldyn.Plan, int, error) {
			return db.FindPlans(ctx, aldyn.PlanFilter{Status: &st, Page: p})
		})
		if err != nil {
			return nil, err
		}
		out = append(out, ps...)
	}
	return out, nil
}

func buildPlanProgress(ctx context.Context, in Input) ([]*Table, error) {
	plans, err := approvedPlans(ctx, in.DB)
	if err != nil {
		return nil, err
	}
	planID := field("plan_id", "integer", text("Пландын ID", "ID плана", "Plan id"), text("Пландын Aldyn'деги номери.", "Номер плана в Aldyn.", "The plan's number in Aldyn."))
	planT := &Table{Name: "plans", Title: text("Пландар", "Планы", "Plans"), Fields: []Field{
		planID,
		field("title_ky", "string", text("Аталышы (кыргызча)", "Название (на кыргызском)", "Title (Kyrgyz)"), text("Пландын аталышы.", "Название плана.", "The plan's title.")),
		field("title_ru", "string", text("Аталышы (орусча)", "Название (на русском)", "Title (Russian)"), text("Пландын аталышы.", "Название плана.", "The plan's title.")),
		field("title_en", "string", text("Аталышы (англисче)", "Название (на английском)", "Title (English)"), text("Пландын аталышы.", "Название плана.", "The plan's title.")),
		fieldCode,
		field("start_year", "year", text("Башталыш жылы", "Год начала", "Start year"), text("Пландын биринчи жылы.", "Первый год плана.", "The plan's first year.")),
		field("end_year", "year", text("Аяктоо жылы", "Год окончания", "End year"), text("Пландын акыркы жылы.", "Последний год плана.", "The plan's last year.")),
		field("status", "string", text("Абалы", "Статус", "Status"), text("approved — күчүндө, closed — жабылган.", "approved — действует, closed — закрыт.", "approved (in force) or closed.")),
		field("measures", "integer", text("Иш-чаралар", "Мероприятия", "Measures"), text("Иш-чаралардын саны.", "Число мероприятий.", "The number of measures.")),
		field("measures_done", "integer", text("Аткарылган", "Выполнено", "Done"), text("Аткарылган иш-чаралар.", "Выполненные мероприятия.", "Measures done.")),
		field("measures_on_track", "integer", text("Пландагыдай", "По плану", "On track"), text("Пландагыдай жүрүп жаткан иш-чаралар.", "Мероприятия, идущие по плану.", "Measures on track.")),
		field("measures_at_risk", "integer", text("Коркунучта", "Под угрозой", "At risk"), text("Кечигүү коркунучундагы иш-чаралар.", "Мероприятия под угрозой срыва.", "Measures at risk.")),
		field("measures_overdue", "integer", text("Мөөнөтү өткөн", "Просрочено", "Overdue"), text("Мөөнөтү өткөн иш-чаралар.", "Просроченные мероприятия.", "Measures overdue.")),
		field("measures_not_started", "integer", text("Башталган эмес", "Не начато", "Not started"), text("Башталбаган иш-чаралар.", "Не начатые мероприятия.", "Measures not started.")),
		field("measures_cancelled", "integer", text("Жокко чыгарылган", "Отменено", "Cancelled"), text("Жокко чыгарылган иш-чаралар.", "Отменённые мероприятия.", "Measures cancelled.")),
	}}
	kgs := func(name string, title aldyn.Text, desc aldyn.Text) Field {
		f := field(name, "integer", title, desc)
		f.Unit = "KGS"
		return f
	}
	budgetT := &Table{Name: "budget", Title: text("Бюджет", "Бюджет", "Budget"), Fields: []Field{
		planID,
		field("source", "string", text("Булак", "Источник", "Source"), text("Каржылоо булагы: republican, local, partners, other.", "Источник финансирования: republican, local, partners, other.", "The funding source: republican, local, partners, other.")),
		kgs("planned_kgs", text("Пландалган, сом", "Запланировано, сом", "Planned, KGS"), text("Жокко чыгарылбаган иш-чараларга пландалган сумма.", "Сумма, запланированная на неотменённые мероприятия.", "The amount planned for measures not cancelled.")),
		kgs("spent_kgs", text("Жумшалган, сом", "Израсходовано, сом", "Spent, KGS"), text("Кабыл алынган отчеттордо көрсөтүлгөн чыгым.", "Расходы по принятым отчётам.", "Spending in accepted reports.")),
	}}
	num := func(name string, title, desc aldyn.Text) Field { return field(name, "number", title, desc) }
	indT := &Table{Name: "indicators", Title: text("Индикаторлор", "Индикаторы", "Indicators"), Fields: []Field{
		planID,
		field("code", "string", text("Коду", "Код", "Code"), text("Индикатордун коду.", "Код индикатора.", "The indicator's code.")),
		field("name_ky", "string", text("Аталышы (кыргызча)", "Название (на кыргызском)", "Name (Kyrgyz)"), text("Индикатордун аталышы.", "Название индикатора.", "The indicator's name.")),
		field("name_ru", "string", text("Аталышы (орусча)", "Название (на русском)", "Name (Russian)"), text("Индикатордун аталышы.", "Название индикатора.", "The indicator's name.")),
		field("name_en", "string", text("Аталышы (англисче)", "Название (на английском)", "Name (English)"), text("Индикатордун аталышы.", "Название индикатора.", "The indicator's name.")),
		field("unit", "string", text("Бирдиги", "Единица", "Unit"), text("Өлчөм бирдиги.", "Единица измерения.", "The unit.")),
		num("baseline_value", text("Базалык маани", "Базовое значение", "Baseline"), text("Базалык маани.", "Базовое значение.", "The baseline value.")),
		field("baseline_year", "year", text("Базалык жыл", "Базовый год", "Baseline year"), text("Базалык маанинин жылы.", "Год базового значения.", "The baseline's year.")),
		num("target_value", text("Максат", "Цель", "Target"), text("Максаттуу маани.", "Целевое значение.", "The target value.")),
		field("target_year", "year", text("Максаттын жылы", "Год цели", "Target year"), text("Максаттын жылы.", "Год целевого значения.", "The target's year.")),
		num("actual_value", text("Иш жүзүндө", "Факт", "Actual"), text("Акыркы мезгилдин иш жүзүндөгү мааниси.", "Фактическое значение за последний период.", "The latest period's actual value.")),
		field("actual_period", "string", text("Мезгил", "Период", "Period"), text("Иш жүзүндөгү маанинин мезгили.", "Период фактического значения.", "The actual value's period.")),
		field("state", "string", text("Абалы", "Состояние", "State"), text("on_track, at_risk, off_track же no_data.", "on_track, at_risk, off_track или no_data.", "on_track, at_risk, off_track or no_data.")),
	}}
	codes := map[string]string{}
	if ts, err := in.DB.TerritoryNames(ctx); err == nil {
		for _, t := range ts {
			codes[t.Code] = t.Code
		}
	}
	for _, p := range plans {
		input, err := in.DB.LoadPlanInput(ctx, p.ID)
		if err != nil {
			return nil, err
		}
		d := aldyn.ComputeDashboard(*input, in.Now)
		m := d.Measures
		planT.Rows = append(planT.Rows, []any{p.ID, p.Title.KY, p.Title.RU, p.Title.EN, p.TerritoryCode, int64(p.StartYear), int64(p.EndYear), string(p.Status),
			int64(m.Total), int64(m.Done), int64(m.OnTrack), int64(m.AtRisk), int64(m.Overdue), int64(m.NotStarted), int64(m.Cancelled)})
		for _, s := range d.Budget.Sources {
			budgetT.Rows = append(budgetT.Rows, []any{p.ID, s.Source, s.PlannedKGS, s.SpentKGS})
		}
		for _, ip := range d.Indicators {
			var target, actual any
			var targetYear any
			if ip.TargetValue != nil {
				target, targetYear = *ip.TargetValue, int64(ip.TargetYear)
			}
			if ip.ActualValue != nil {
				actual = *ip.ActualValue
			}
			indT.Rows = append(indT.Rows, []any{p.ID, ip.Code, ip.Name.KY, ip.Name.RU, ip.Name.EN, ip.Unit, ip.BaselineValue, int64(ip.BaselineYear),
				target, targetYear, actual, ip.ActualPeriod, ip.State})
		}
	}
	return []*Table{planT, budgetT, indT}, nil
}

func buildCoordination(ctx context.Context, in Input) ([]*Table, error) {
	bodies, err := aldyn.AllPages(aldyn.Page{}, func(p aldyn.Page) ([]*aldyn.Body, int, error) {
		return in.DB.FindBodies(ctx, aldyn.BodyFilter{Page: p})
	})
	if err != nil {
		return nil, err
	}
	byID := map[int64]*aldyn.Body{}
	for _, b := range bodies {
		byID[b.ID] = b
	}
	meetings, err := aldyn.AllPages(aldyn.Page{}, func(p aldyn.Page) ([]*aldyn.Meeting, int, error) {
		return in.DB.FindMeetings(ctx, aldyn.MeetingFilter{Page: p})
	})
	if err != nil {
		return nil, err
	}
	decisions, err := aldyn.AllPages(aldyn.Page{}, func(p aldyn.Page) ([]*aldyn.Decision, int, error) {
		return in.DB.FindDecisions(ctx, aldyn.DecisionFilter{Page: p})
	})
	if err != nil {
		return nil, err
	}
	type key struct {
		body int64
		year int
	}
	type row struct{ held, planned, open, done, overdue, cancelled int64 }
	rows := map[key]*row{}
	get := func(k key) *row {
		if rows[k] == nil {
			rows[k] = &row{}
		}
		return rows[k]
	}
	for _, m := range meetings {
		r := get(key{m.BodyID, m.Date.Year()})
		if m.Status == aldyn.MeetingHeld {
			r.held++
		} else {
			r.planned++
		}
	}
	for _, d := range decisions {
		r := get(key{d.MeetingBodyID, d.MeetingDate.Year()})
		switch {
		case d.Status == aldyn.DecisionDone:
			r.done++
		case d.Status == aldyn.DecisionCancelled:
			r.cancelled++
		case d.IsOverdue(in.Now):
			r.overdue++
		default:
			r.open++
		}
	}
	cnt := func(name string, title, desc aldyn.Text) Field { return field(name, "integer", title, desc) }
	t := &Table{Name: "meetings-decisions", Title: text("Жыйындар жана чечимдер", "Заседания и решения", "Meetings and decisions"), Fields: []Field{
		field("body_id", "integer", text("Органдын ID", "ID органа", "Body id"), text("Органдын Aldyn'деги номери.", "Номер органа в Aldyn.", "The body's number in Aldyn.")),
		field("body_ky", "string", text("Орган (кыргызча)", "Орган (на кыргызском)", "Body (Kyrgyz)"), text("Органдын аталышы.", "Название органа.", "The body's name.")),
		field("body_ru", "string", text("Орган (орусча)", "Орган (на русском)", "Body (Russian)"), text("Органдын аталышы.", "Название органа.", "The body's name.")),
		field("body_en", "string", text("Орган (англисче)", "Орган (на английском)", "Body (English)"), text("Органдын аталышы.", "Название органа.", "The body's name.")),
		fieldCode,
		field("year", "year", text("Жыл", "Год", "Year"), text("Жыйындын жылы.", "Год заседания.", "The year of the meetings.")),
		cnt("meetings_held", text("Өткөрүлгөн жыйындар", "Проведено заседаний", "Meetings held"), text("Өткөрүлгөн жыйындардын саны.", "Число проведённых заседаний.", "Meetings held.")),
		cnt("meetings_planned", text("Пландалган жыйындар", "Запланировано заседаний", "Meetings planned"), text("Али өткөрүлө элек жыйындар.", "Заседания, ещё не проведённые.", "Meetings not yet held.")),
		cnt("decisions_open", text("Аткарылууда", "Исполняются", "Decisions open"), text("Мөөнөтү өтө элек аткарылбаган чечимдер.", "Неисполненные решения в срок.", "Decisions open within their deadline.")),
		cnt("decisions_overdue", text("Мөөнөтү өткөн", "Просрочены", "Decisions overdue"), text("Мөөнөтү өткөн аткарылбаган чечимдер.", "Неисполненные решения с истёкшим сроком.", "Open decisions past their deadline.")),
		cnt("decisions_done", text("Аткарылган", "Исполнены", "Decisions done"), text("Аткарылган чечимдер.", "Исполненные решения.", "Decisions done.")),
		cnt("decisions_cancelled", text("Жокко чыгарылган", "Отменены", "Decisions cancelled"), text("Жокко чыгарылган чечимдер.", "Отменённые решения.", "Decisions cancelled.")),
	}}
	var keys []key
	for k := range rows {
		keys = append(keys, k)
	}
	sortKeys(keys, func(a, b key) int {
		if a.body != b.body {
			return int(a.body - b.body)
		}
		return a.year - b.year
	})
	for _, k := range keys {
		r, b := rows[k], byID[k.body]
		var ky, ru, en, terr string
		if b != nil {
			ky, ru, en, terr = b.NameKy, b.NameRu, b.NameEn, b.TerritoryCode
		}
		t.Rows = append(t.Rows, []any{k.body, strings.TrimSpace(ky), strings.TrimSpace(ru), strings.TrimSpace(en), terr, int64(k.year),
			r.held, r.planned, r.open, r.overdue, r.done, r.cancelled})
	}
	return []*Table{t}, nil
}

func sortKeys[T any](s []T, cmp func(a, b T) int) { slices.SortFunc(s, cmp) }
