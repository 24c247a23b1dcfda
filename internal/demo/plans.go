package demo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/concept"
	"github.com/aldyn-kg/aldyn/internal/store"
)

// PlansMarker is the settings key set once the demo plans are loaded.
const PlansMarker = "demo.plans"

// PlanUsers are the officers the demo plans need besides Users: someone
// of each responsible and signatory body.
var PlanUsers = []User{
	{"mvd.reporter", "ИИМдин жооптуу кызматкери", aldyn.RoleReporter, "mvd"},
	{"gp.reporter", "Башкы прокуратуранын жооптуу кызматкери", aldyn.RoleReporter, "gp"},
	{"education.reporter", "Билим берүү министрлигинин жооптуу кызматкери", aldyn.RoleReporter, "education"},
	{"probation.reporter", "Пробация органынын жооптуу кызматкери", aldyn.RoleReporter, "probation"},
	{"court.reporter", "Соттук департаменттин жооптуу кызматкери", aldyn.RoleReporter, "court"},
	{"chui.reporter", "Чүй облустук ИИБнын кызматкери", aldyn.RoleReporter, "chui-police"},
	{"jalalabad.coordinator", "Жалал-Абад комиссиясынын катчысы", aldyn.RoleCoordinator, "jalal-abad-commission"},
	{"suzak.coordinator", "Сузак комиссиясынын катчысы", aldyn.RoleCoordinator, "suzak-commission"},
	{"suzak.ngo", "«Коопсуз айыл» бирикмесинин өкүлү", aldyn.RoleReporter, "suzak-ngo"},
	{"alamudun.okmotu", "Лебединовка айыл өкмөтүнүн адиси", aldyn.RoleReporter, "alamudun-ao"},
	{"alamudun.centre", "Алдын алуу борборунун адиси", aldyn.RoleReporter, "alamudun-centre"},
}

// demoPlans loads plans as the officers of the demo bodies would make
// them, at the dates they would: the store's clock is moved along.
type demoPlans struct {
	ctx     context.Context
	db      *store.DB
	concept *aldyn.Concept
	bodies  map[string]int64
	actors  map[string]*aldyn.Actor // by login
	clock   time.Time
	// now is the store's clock when the demo is loaded: the plans' cycles,
	// reports and meetings are laid out around it, nothing after it.
	now time.Time
	// quarters are the reporting cycles every plan gets: the last two
	// closed before now, then those still open up to now's own.
	quarters []quarter
}

// quarter is a calendar quarter, one reporting cycle.
type quarter struct {
	period   string
	from, to time.Time
}

func quarterOf(t time.Time) quarter {
	q := (int(t.Month()) - 1) / 3
	from := day(t.Year(), time.Month(3*q+1), 1)
	return quarter{period: fmt.Sprintf("%d-Q%d", t.Year(), q+1), from: from, to: from.AddDate(0, 3, -1)}
}

func (q quarter) prev() quarter { return quarterOf(q.from.AddDate(0, 0, -1)) }

// deadline is when a quarter's reports are due: ten days after it ends.
func (q quarter) deadline() time.Time { return q.to.AddDate(0, 0, 10).Add(12 * time.Hour) }

// closing is when the coordinator closes a quarter's cycle, the late
// reports in.
func (q quarter) closing() time.Time { return q.deadline().AddDate(0, 0, 20) }

// timeline returns the demo's quarters at now: the two latest whose
// cycles could be closed by now, and the quarters after them up to now's
// (the one before now's is still open in the first month or so of a
// quarter, while its reports come in).
func timeline(now time.Time) []quarter {
	cur := quarterOf(now)
	last := cur.prev()
	if !last.closing().Before(now) {
		last = last.prev()
	}
	qs := []quarter{last.prev(), last}
	for q := last; q.to.Before(cur.from); {
		q = quarterOf(q.to.AddDate(0, 0, 1))
		qs = append(qs, q)
	}
	return qs
}

// current is the quarter now falls in.
func (d *demoPlans) current() quarter { return d.quarters[len(d.quarters)-1] }

// firstClosed is the earlier of the two closed quarters.
func (d *demoPlans) firstClosed() quarter { return d.quarters[0] }

// LoadPlans loads, once, the demo plans: a National Action Plan built from
// the Concept's tasks, joint plans of two oblasts and two districts, and
// for each two completed reporting cycles (accepted, returned, late and
// missing reports) and an open one, with risk registers; and the
// coordination bodies' meetings, decisions and questions. Plan titles say
// they are demo data.
func LoadPlans(ctx context.Context, db *store.DB, hash Hasher, newPassword func() string) error {
	if _, done, err := db.Setting(ctx, PlansMarker); err != nil || done {
		return err
	}
	c, err := concept.Load()
	if err != nil {
		return err
	}
	bodies, err := BodyIDs(ctx, db)
	if err != nil {
		return err
	}
	d := &demoPlans{ctx: ctx, db: db, concept: c, bodies: bodies, actors: map[string]*aldyn.Actor{}, now: db.Now().UTC()}
	d.quarters = timeline(d.now)
	for _, u := range append(append([]User{}, Users...), PlanUsers...) {
		if err := d.ensureUser(u, hash, newPassword); err != nil {
			return err
		}
	}
	now := db.Now
	db.Now = func() time.Time { return d.clock }
	defer func() { db.Now = now }()
	if err := d.national(); err != nil {
		return fmt.Errorf("demo national plan: %w", err)
	}
	for _, j := range joints {
		if err := d.joint(j); err != nil {
			return fmt.Errorf("demo joint plan %s: %w", j.owner, err)
		}
	}
	if err := d.meetings(); err != nil {
		return fmt.Errorf("demo meetings: %w", err)
	}
	db.Now = now
	return db.Update(ctx, aldyn.System, func(tx *store.Tx) error { return tx.SetSetting(ctx, PlansMarker, "loaded") })
}

func (d *demoPlans) ensureUser(u User, hash Hasher, newPassword func() string) error {
	found, err := d.db.FindUserByLogin(d.ctx, u.Login)
	if aldyn.ErrorCode(err) == aldyn.ENOTFOUND {
		h, herr := hash(newPassword())
		if herr != nil {
			return herr
		}
		nu := &aldyn.User{Login: u.Login, Name: u.Name, Role: u.Role, BodyID: d.bodies[u.Body], Lang: "ky", PasswordHash: h}
		if err := d.db.CreateUser(d.ctx, aldyn.System, nu); err != nil {
			return fmt.Errorf("demo user %s: %w", u.Login, err)
		}
		found, err = d.db.FindUserByLogin(d.ctx, u.Login)
	}
	if err != nil {
		return err
	}
	d.actors[u.Login] = &aldyn.Actor{UserID: found.ID, Login: found.Login, Role: found.Role, BodyID: found.BodyID,
		TerritoryCode: found.TerritoryCode, TerritoryPath: found.TerritoryPath, Lang: found.Lang}
	return nil
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// at moves the store's clock to a moment of a day (Bishkek office hours)
// and says whether that moment has come by now; what has not is left
// undone.
func (d *demoPlans) at(t time.Time, hour int) bool {
	d.clock = t.Add(time.Duration(hour-6) * time.Hour)
	return d.clock.Before(d.now)
}

// reporterOf is the login that reports for a body.
var reporterOf = map[string]string{
	"mvd": "mvd.reporter", "gp": "gp.reporter", "education": "education.reporter", "probation": "probation.reporter",
	"court": "court.reporter", "chui-police": "chui.reporter", "suzak-police": "suzak.reporter", "suzak-ngo": "suzak.ngo",
	"alamudun-police": "alamudun.reporter", "alamudun-ao": "alamudun.okmotu", "alamudun-centre": "alamudun.centre",
}

// planSpec is a demo plan: who owns and signs it, and its measures.
type planSpec struct {
	kind, territory, owner, coordinator string
	title                               aldyn.Text
	start, end                          int
	signers                             []string // logins, one per signatory body
	evidence                            []aldyn.PlanEvidence
	measures                            []measureSpec
	indicators                          []indicatorSpec
}

type measureSpec struct {
	task   string // Concept task code
	title  aldyn.Text
	body   string // responsible body key
	start  time.Time
	due    time.Time
	budget []aldyn.BudgetLine
	ind    []int // indexes into the plan's indicators
}

type indicatorSpec struct {
	ind    aldyn.Indicator
	actual []float64 // values reported in the two closed cycles
}

func (d *demoPlans) create(s planSpec) error {
	coord := d.actors[s.coordinator]
	d.at(day(s.start-1, time.December, 1), 10)
	p := &aldyn.Plan{Kind: s.kind, Title: s.title, TerritoryCode: s.territory, OwnerBodyID: d.bodies[s.owner],
		StartYear: s.start, EndYear: s.end, Evidence: s.evidence}
	for _, login := range s.signers {
		p.RequiredSignatures = append(p.RequiredSignatures, d.actors[login].BodyID)
	}
	if err := d.db.CreatePlan(d.ctx, coord, p); err != nil {
		return err
	}
	var inds []*aldyn.Indicator
	for i, is := range s.indicators {
		ind := is.ind
		ind.PlanID, ind.Code = p.ID, fmt.Sprint(i+1)
		if err := d.db.CreateIndicator(d.ctx, coord, &ind); err != nil {
			return fmt.Errorf("indicator %d: %w", i+1, err)
		}
		inds = append(inds, &ind)
	}
	var measures []*aldyn.Measure
	for i, ms := range s.measures {
		task := d.concept.Task(ms.task)
		if task == nil {
			return fmt.Errorf("no task %s in the Concept", ms.task)
		}
		m := &aldyn.Measure{PlanID: p.ID, Code: fmt.Sprint(i + 1), ComponentCode: componentOf(ms.task), TaskCode: ms.task,
			Title: ms.title, ResponsibleBodyID: d.bodies[ms.body], Start: ms.start, Due: ms.due, Budget: ms.budget,
			ExpectedResult: aldyn.Text{KY: "Иш-чара толук жана өз убагында аткарылды.", RU: "Мероприятие выполнено полностью и в срок.",
				EN: "The measure is carried out in full and on time."}}
		if m.Title == (aldyn.Text{}) {
			m.Title = task.Title
		}
		for _, k := range ms.ind {
			m.IndicatorIDs = append(m.IndicatorIDs, inds[k].ID)
		}
		if err := m.Validate(p, d.concept); err != nil {
			return fmt.Errorf("measure %s: %w", m.Code, err)
		}
		if err := d.db.CreateMeasure(d.ctx, coord, m); err != nil {
			return fmt.Errorf("measure %s: %w", m.Code, err)
		}
		measures = append(measures, m)
	}
	for i, login := range s.signers {
		d.at(day(s.start-1, time.December, 10+i), 11)
		if _, err := d.db.SignPlan(d.ctx, d.actors[login], p.ID); err != nil {
			return fmt.Errorf("signature of %s: %w", login, err)
		}
	}
	d.at(day(s.start-1, time.December, 20), 15)
	if _, err := d.db.ApprovePlan(d.ctx, coord, p.ID); err != nil {
		return fmt.Errorf("approval: %w", err)
	}
	if _, err := d.db.EnsurePlanRisks(d.ctx, coord, p.ID, d.concept); err != nil {
		return fmt.Errorf("risk register: %w", err)
	}
	return d.cycles(p, coord, measures, s.indicators, inds)
}

func componentOf(task string) string {
	for i := len(task) - 1; i >= 0; i-- {
		if task[i] == '.' {
			return task[:i]
		}
	}
	return task
}

// cycles runs the demo's quarters: the two closed ones reported and closed
// (with accepted, returned, late and missing reports), the later ones open
// and, where their quarter is over, with the reports that have come in by
// now.
func (d *demoPlans) cycles(p *aldyn.Plan, coord *aldyn.Actor, measures []*aldyn.Measure, specs []indicatorSpec, inds []*aldyn.Indicator) error {
	for qi, q := range d.quarters {
		if q.from.Year() < p.StartYear || q.to.Year() > p.EndYear {
			continue
		}
		d.at(q.from, 9)
		c := &aldyn.ReportingCycle{PlanID: p.ID, Period: q.period, From: q.from, To: q.to, Deadline: q.deadline()}
		if err := d.db.CreateCycle(d.ctx, coord, c); err != nil {
			return fmt.Errorf("cycle %s: %w", q.period, err)
		}
		for mi, m := range measures {
			if !c.Covers(m) {
				continue
			}
			if err := d.report(c, coord, qi, mi, m, specs, inds); err != nil {
				return err
			}
		}
		if d.at(q.closing(), 12) {
			if _, err := d.db.CloseCycle(d.ctx, coord, c.ID); err != nil {
				return fmt.Errorf("close %s: %w", q.period, err)
			}
		}
	}
	return nil
}

// report files measure mi's report in cycle c (quarter qi) as far as now
// allows. A fixed pattern: every fifth measure's report is missing, one in
// five is returned, one in seven is late, the others accepted.
func (d *demoPlans) report(c *aldyn.ReportingCycle, coord *aldyn.Actor, qi, mi int, m *aldyn.Measure, specs []indicatorSpec, inds []*aldyn.Indicator) error {
	if (mi+qi)%5 == 0 {
		return nil // missing
	}
	reporter := d.actors[reporterOf[keyOf(d.bodies, m.ResponsibleBodyID)]]
	if reporter == nil {
		return fmt.Errorf("no reporter for the body of measure %s", m.Code)
	}
	submitted := c.To.AddDate(0, 0, 3+mi%5)
	if (mi+qi)%7 == 3 {
		submitted = c.Deadline.AddDate(0, 0, 4) // late
	}
	if !d.at(submitted, 10) {
		return nil
	}
	elapsed := float64(c.To.Sub(m.Start)) / float64(m.Due.Sub(m.Start))
	progress := max(5, min(100, int(elapsed*100)+((mi*7)%15)-5))
	r := &aldyn.Report{CycleID: c.ID, MeasureID: m.ID, Progress: progress, Narrative: narrative(progress), Spent: spent(m, qi)}
	for _, id := range m.IndicatorIDs {
		for k, ind := range inds {
			if ind.ID == id && len(specs[k].actual) > qi {
				r.Values = append(r.Values, aldyn.IndicatorValue{IndicatorID: id, Period: periodFor(ind.Frequency, c.To), Value: specs[k].actual[qi]})
			}
		}
	}
	if err := d.db.SaveReport(d.ctx, reporter, r); err != nil {
		return fmt.Errorf("report on %s: %w", m.Code, err)
	}
	if _, err := d.db.SubmitReport(d.ctx, reporter, r.ID); err != nil {
		return fmt.Errorf("submit %s: %w", m.Code, err)
	}
	if !d.at(submitted.AddDate(0, 0, 2), 16) {
		return nil
	}
	if (mi+qi)%5 == 1 {
		if _, err := d.db.ReturnReport(d.ctx, coord, r.ID, returnComment); err != nil {
			return fmt.Errorf("return %s: %w", m.Code, err)
		}
		// Returned and never resubmitted in the first quarter; later,
		// resubmitted with the missing document, then accepted.
		if qi == 0 || !d.at(submitted.AddDate(0, 0, 5), 10) {
			return nil
		}
		r.Narrative += " " + resubmitNote
		if err := d.db.SaveReport(d.ctx, reporter, r); err != nil {
			return err
		}
		if _, err := d.db.SubmitReport(d.ctx, reporter, r.ID); err != nil {
			return err
		}
		if !d.at(submitted.AddDate(0, 0, 6), 15) {
			return nil
		}
	}
	if _, err := d.db.AcceptReport(d.ctx, coord, r.ID, ""); err != nil {
		return fmt.Errorf("accept %s: %w", m.Code, err)
	}
	return nil
}

const (
	returnComment = "Аткарылганын тастыктаган документ (буйрук же протокол) тиркелген эмес; тиркеп, кайра жөнөтүңүз."
	resubmitNote  = "Протоколдун көчүрмөсү тиркелди."
)

func narrative(progress int) string {
	switch {
	case progress >= 100:
		return "Иш-чара толук аткарылды; жыйынтыктары комиссиянын жыйынында талкууланды."
	case progress >= 50:
		return "Иш-чаранын негизги бөлүгү аткарылды: окуулар жана жолугушуулар өткөрүлдү, калганы пландалган мөөнөттө бүтөт."
	default:
		return "Даярдык иштери жүрүп жатат: жооптуу адамдар дайындалды, иш-план бекитилди."
	}
}

// spent is a share of a measure's planned budget spent in a quarter.
func spent(m *aldyn.Measure, quarter int) []aldyn.BudgetLine {
	var out []aldyn.BudgetLine
	for _, l := range m.Budget {
		out = append(out, aldyn.BudgetLine{Source: l.Source, Funder: l.Funder, AmountKGS: l.AmountKGS * int64(15+10*quarter) / 100})
	}
	return out
}

// periodFor is the period of an indicator's frequency that ends with a quarter.
func periodFor(frequency string, end time.Time) string {
	switch frequency {
	case aldyn.FrequencyMonthly:
		return end.Format("2006-01")
	case aldyn.FrequencyQuarterly:
		return fmt.Sprintf("%d-Q%d", end.Year(), (int(end.Month())+2)/3)
	}
	return fmt.Sprint(end.Year())
}

func keyOf(m map[string]int64, id int64) string {
	for k, v := range m {
		if v == id {
			return k
		}
	}
	return ""
}

var errNoTasks = errors.New("the Concept has no tasks")

// nationalLead is the national body that leads each task of the Concept
// in the demo plan, by what the task is about: the Ministry of Internal
// Affairs (with its patrol police) policing, roads and victims; the
// Prosecutor General's Office legality, crime statistics and officials'
// crimes; the Ministry of Education schools, children and awareness; the
// Supreme Court the courts' staff. Tasks not listed are the Ministry of
// Internal Affairs'.
var nationalLead = map[string]string{
	"4.1.1": "gp", "4.1.2": "gp", "4.2.2": "gp", "4.6.2": "gp",
	"4.7.1": "education", "5.2.4": "education",
	"5.4.1": "education", "5.4.2": "education", "5.4.3": "education", "5.4.4": "education", "5.4.5": "education",
	"5.6.1": "gp", "5.6.4": "gp",
	"5.6.2": "court", "5.6.3": "court", "5.6.5": "court",
}

// national builds the three-year National Action Plan that began the year
// before now's: a measure for each task of the Concept, led by the national
// body the task concerns.
func (d *demoPlans) national() error {
	// Three years, within the Concept's.
	y := max(aldyn.ConceptStartYear, min(d.current().from.Year()-1, aldyn.ConceptEndYear-2))
	s := planSpec{kind: aldyn.PlanNational, territory: Country, owner: "council", coordinator: "council.coordinator",
		title: aldyn.Text{
			KY: fmt.Sprintf("Укук бузуулардын алдын алуу боюнча %d–%d-жылдарга карата иш-аракеттердин улуттук планы (демо)", y, y+2),
			RU: fmt.Sprintf("Национальный план действий по профилактике правонарушений на %d–%d годы (демо)", y, y+2),
			EN: fmt.Sprintf("National Action Plan on Offense Prevention %d–%d (demo)", y, y+2)},
		start: y, end: y + 2, signers: []string{"council.coordinator", "mvd.reporter"},
		evidence: []aldyn.PlanEvidence{
			{Kind: aldyn.EvidenceStatistics, Note: "Башкы прокуратуранын 2019–2021-жылдардагы катталган кылмыштар боюнча маалыматтары (Концепциянын 1-таблицасы)."},
			{Kind: aldyn.EvidenceSurvey, Note: "Улуттук статистика комитетинин виктимизациялык сурамжылоосу (2019): аялдардын 47 % караңгыда жалгыз жүргөндө өзүн коопсуз сезет."},
		},
		indicators: []indicatorSpec{
			{ind: aldyn.Indicator{Name: aldyn.Text{KY: "100 000 тургунга катталган уурулуктар", RU: "Зарегистрированные кражи на 100 000 жителей",
				EN: "Registered thefts per 100,000 residents"}, Kind: aldyn.IndicatorRate, Numerator: "offenses:theft", Denominator: "population",
				Source: aldyn.IndicatorOffenses, OffenseCategory: aldyn.CategoryTheft, Disaggregation: aldyn.DisaggregationTerritory,
				Frequency: aldyn.FrequencyAnnual, BaselineValue: 216.3, BaselineYear: 2021,
				Targets:      []aldyn.IndicatorTarget{{Year: y, Value: 205}, {Year: y + 1, Value: 195}, {Year: y + 2, Value: 185}},
				Verification: aldyn.Text{KY: "КБРдин маалыматтары жана УСКнын калктын саны", RU: "Данные ЕРП и численность населения НСК", EN: "Unified Register of Crimes and NSC population"}},
				actual: []float64{201.4, 198.2}},
			{ind: aldyn.Indicator{Name: aldyn.Text{KY: "Караңгыда жалгыз жүргөндө өзүн коопсуз сезген аялдардын үлүшү", RU: "Доля женщин, чувствующих себя в безопасности, гуляя одни в темноте",
				EN: "Share of women who feel safe walking alone after dark"}, Unit: "%", Kind: aldyn.IndicatorPercent, HigherIsBetter: true,
				Source: aldyn.IndicatorManual, Disaggregation: aldyn.DisaggregationNone, Frequency: aldyn.FrequencyAnnual, BaselineValue: 47, BaselineYear: 2019,
				Targets:      []aldyn.IndicatorTarget{{Year: y, Value: 50}, {Year: y + 1, Value: 53}, {Year: y + 2, Value: 56}},
				Verification: aldyn.Text{KY: "УСКнын сурамжылоосу", RU: "Опрос НСК", EN: "NSC survey"}},
				actual: []float64{49, 50.5}},
			{ind: aldyn.Indicator{Name: aldyn.Text{KY: "Иштеп жаткан координациялык комиссиялардын саны", RU: "Число действующих координационных комиссий",
				EN: "Coordination commissions at work"}, Kind: aldyn.IndicatorNumber, HigherIsBetter: true,
				Source: aldyn.IndicatorManual, Disaggregation: aldyn.DisaggregationNone, Frequency: aldyn.FrequencyAnnual, BaselineValue: 12, BaselineYear: 2022,
				Targets:      []aldyn.IndicatorTarget{{Year: y, Value: 30}, {Year: y + 1, Value: 45}, {Year: y + 2, Value: 60}},
				Verification: aldyn.Text{KY: "Комиссиялардын жыйындарынын протоколдору", RU: "Протоколы заседаний комиссий", EN: "Minutes of commission meetings"}},
				actual: []float64{31, 38}},
		},
	}
	n := 0
	for _, comp := range d.concept.Components {
		for ti, t := range comp.Tasks {
			start := day(y, time.January, 1).AddDate(0, (n%4)*3, 0)
			due := day(y, time.December, 31).AddDate((n % 3), 0, 0)
			lead := nationalLead[t.Code]
			if lead == "" {
				lead = "mvd"
			}
			m := measureSpec{task: t.Code, body: lead, start: start, due: due,
				budget: []aldyn.BudgetLine{{Source: aldyn.BudgetRepublican, AmountKGS: int64(500+100*(n%9)) * 1000}}}
			if n%4 == 1 {
				m.budget = append(m.budget, aldyn.BudgetLine{Source: aldyn.BudgetPartners, Funder: "ПРООН / UNDP", AmountKGS: int64(200+50*(n%5)) * 1000})
			}
			switch {
			case comp.Code == "4.2" && ti == 1:
				m.ind = []int{0}
			case comp.Code == "4.3" && ti == 0:
				m.ind = []int{2}
			case comp.Code == "5.2" && ti == 0:
				m.ind = []int{1}
			}
			s.measures = append(s.measures, m)
			n++
		}
	}
	if n == 0 {
		return errNoTasks
	}
	return d.create(s)
}

// jointSpec is a territory's joint plan. Its title has a %s for the years
// it covers.
type jointSpec struct {
	territory, owner, coordinator string
	title                         aldyn.Text
	signers                       []string
	measures                      []jointMeasure
}

// jointMeasure is a measure of a joint plan, from a month of the plan's
// first year to a month of its last.
type jointMeasure struct {
	measureSpec
	from, to time.Month
}

func local(task string, ky, ru, en, body string, from, to time.Month, local, partners int64) jointMeasure {
	m := jointMeasure{measureSpec{task: task, title: aldyn.Text{KY: ky, RU: ru, EN: en}, body: body}, from, to}
	if local > 0 {
		m.budget = append(m.budget, aldyn.BudgetLine{Source: aldyn.BudgetLocal, AmountKGS: local})
	}
	if partners > 0 {
		m.budget = append(m.budget, aldyn.BudgetLine{Source: aldyn.BudgetPartners, Funder: "ЕККУ / OSCE", AmountKGS: partners})
	}
	return m
}

// yearsText says "for these years" in each language, as a plan's title does.
func yearsText(from, to int) aldyn.Text {
	if from == to {
		return aldyn.Text{KY: fmt.Sprintf("%d-жылга", from), RU: fmt.Sprintf("на %d год", from), EN: fmt.Sprint(from)}
	}
	return aldyn.Text{KY: fmt.Sprintf("%d–%d-жылдарга", from, to), RU: fmt.Sprintf("на %d–%d годы", from, to), EN: fmt.Sprintf("%d–%d", from, to)}
}

var joints = []jointSpec{
	{territory: Chui, owner: "chui-commission", coordinator: "chui.coordinator", signers: []string{"chui.coordinator", "chui.reporter"},
		title: aldyn.Text{KY: "Чүй облусунун укук бузуулардын алдын алуу боюнча %s биргелешкен планы (демо)",
			RU: "Совместный план профилактики правонарушений Чуйской области %s (демо)", EN: "Chüy Region joint offense-prevention plan %s (demo)"},
		measures: []jointMeasure{
			local("4.2.1", "Участкалык инспекторлордун калк менен чейрек сайын отчеттук жолугушуулары", "Ежеквартальные отчётные встречи участковых инспекторов с населением",
				"Quarterly report-back meetings of district officers with residents", "chui-police", time.January, time.December, 120000, 0),
			local("5.3.1", "Мектептердин жанындагы жөө жүрүүчүлөр өтмөктөрүн жарыктандыруу", "Освещение пешеходных переходов у школ",
				"Lighting pedestrian crossings near schools", "chui-police", time.March, time.September, 850000, 400000),
			local("5.2.1", "Базарлардагы уурулукту азайтуу боюнча рейддер жана видеобайкоо", "Рейды и видеонаблюдение против краж на рынках",
				"Patrols and CCTV against theft at markets", "chui-police", time.February, time.November, 300000, 0),
		}},
	{territory: JalalAbad, owner: "jalal-abad-commission", coordinator: "jalalabad.coordinator", signers: []string{"jalalabad.coordinator"},
		title: aldyn.Text{KY: "Жалал-Абад облусунун укук бузуулардын алдын алуу боюнча %s биргелешкен планы (демо)",
			RU: "Совместный план профилактики правонарушений Джалал-Абадской области %s (демо)", EN: "Jalal-Abad Region joint offense-prevention plan %s (demo)"},
		measures: []jointMeasure{
			local("5.4.1", "Мектептерде укуктук билим берүү сабактары", "Уроки правового просвещения в школах",
				"Legal-awareness lessons in schools", "suzak-ngo", time.January, time.May, 90000, 150000),
			local("4.2.1", "Райондук ИИБдердин профилактикалык тегеректерин өткөрүү", "Профилактические обходы районных ОВД",
				"Preventive rounds by district police", "suzak-police", time.February, time.December, 200000, 0),
		}},
	{territory: Alamudun, owner: "alamudun-commission", coordinator: "alamudun.coordinator",
		signers: []string{"alamudun.coordinator", "alamudun.reporter", "alamudun.okmotu"},
		title: aldyn.Text{KY: "Аламүдүн районунун укук бузуулардын алдын алуу боюнча %s биргелешкен планы (демо)",
			RU: "Совместный план профилактики правонарушений Аламудинского района %s (демо)", EN: "Alamüdün District joint offense-prevention plan %s (demo)"},
		measures: []jointMeasure{
			local("5.1.2", "Лебединовкадагы караңгы көчөлөрдү жарыктандыруу", "Освещение тёмных улиц Лебединовки",
				"Lighting dark streets in Lebedinovka", "alamudun-ao", time.March, time.August, 640000, 0),
			local("5.4.1", "Өспүрүмдөр үчүн кечки спорт секциялары", "Вечерние спортивные секции для подростков",
				"Evening sports clubs for teenagers", "alamudun-centre", time.January, time.December, 180000, 220000),
			local("5.2.1", "Үй-бүлөлүк зомбулуктун алдын алуу боюнча маалымат кампаниясы", "Информационная кампания по профилактике семейного насилия",
				"Information campaign against domestic violence", "alamudun-centre", time.April, time.October, 60000, 90000),
			local("4.2.1", "Айыл өкмөтүндө участкалык инспектордун кабыл алуусу", "Приём участкового инспектора в айыл окмоту",
				"District officer's office hours at the ayil okmotu", "alamudun-police", time.January, time.December, 0, 0),
		}},
	{territory: Suzak, owner: "suzak-commission", coordinator: "suzak.coordinator", signers: []string{"suzak.coordinator", "suzak.reporter", "suzak.ngo"},
		title: aldyn.Text{KY: "Сузак районунун укук бузуулардын алдын алуу боюнча %s биргелешкен планы (демо)",
			RU: "Совместный план профилактики правонарушений Сузакского района %s (демо)", EN: "Suzak District joint offense-prevention plan %s (demo)"},
		measures: []jointMeasure{
			local("5.3.1", "Айылдардын жанындагы трассада ылдамдыкты чектөө белгилери", "Знаки ограничения скорости на трассе у сёл",
				"Speed-limit signs on the highway by the villages", "suzak-police", time.March, time.June, 270000, 0),
			local("5.4.1", "Ата-энелер үчүн тренингдер", "Тренинги для родителей", "Training for parents", "suzak-ngo", time.February, time.November, 40000, 120000),
			local("4.3.1", "Коомдук алдын алуу борборунун ишин калыбына келтирүү", "Восстановление работы общественного центра профилактики",
				"Reopening the community prevention centre", "suzak-ngo", time.January, time.December, 150000, 0),
		}},
}

// joint creates a joint plan for the years from the first closed quarter
// to now's: one year, or two around the new year.
func (d *demoPlans) joint(j jointSpec) error {
	from := max(aldyn.ConceptStartYear, d.firstClosed().from.Year())
	to := max(from, min(d.current().from.Year(), aldyn.ConceptEndYear))
	y := yearsText(from, to)
	s := planSpec{kind: aldyn.PlanJoint, territory: j.territory, owner: j.owner, coordinator: j.coordinator,
		title: aldyn.Text{KY: fmt.Sprintf(j.title.KY, y.KY), RU: fmt.Sprintf(j.title.RU, y.RU), EN: fmt.Sprintf(j.title.EN, y.EN)},
		start: from, end: to, signers: j.signers,
		evidence: []aldyn.PlanEvidence{
			{Kind: aldyn.EvidenceStatistics, Note: fmt.Sprintf("Прокуратуранын жана ИИБнын %d-жылдагы криминогендик абал боюнча маалыматы.", from-1)},
			{Kind: aldyn.EvidenceSurvey, Note: fmt.Sprintf("Тургундардын коопсуздук боюнча сурамжылоосу (%d-жылдын ноябры).", from-1)},
			{Kind: aldyn.EvidenceFocusGroup, Note: "Жаштар жана аялдар менен фокус-топтор."},
		}}
	for _, m := range j.measures {
		ms := m.measureSpec
		ms.start, ms.due = day(from, m.from, 1), day(to, m.to+1, 0)
		s.measures = append(s.measures, ms)
	}
	return d.create(s)
}
