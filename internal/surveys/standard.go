// Package surveys is the survey module's logic above storage: the
// standard questionnaire shipped with Aldyn, estimates computed from
// stored responses (with internal/survey), the trust index and
// victimization figures, and the synthetic demo waves. It holds no SQL.
package surveys

import (
	"github.com/aldyn-kg/aldyn"
)

func tx(ky, ru, en string) aldyn.Text { return aldyn.Text{KY: ky, RU: ru, EN: en} }

func ch(name, ky, ru, en string) aldyn.SurveyChoice {
	return aldyn.SurveyChoice{Name: name, Label: tx(ky, ru, en)}
}

// Choice lists of the standard modules.
var (
	yesNo = []aldyn.SurveyChoice{ch("yes", "Ооба", "Да", "Yes"), ch("no", "Жок", "Нет", "No")}
	sexes = []aldyn.SurveyChoice{ch("f", "Аял", "Женский", "Female"), ch("m", "Эркек", "Мужской", "Male")}
	// AgeGroups are the six age groups population margins are given in.
	ageGroups = []aldyn.SurveyChoice{ch("18-24", "18–24 жаш", "18–24 года", "18–24"), ch("25-34", "25–34 жаш", "25–34 года", "25–34"),
		ch("35-44", "35–44 жаш", "35–44 года", "35–44"), ch("45-54", "45–54 жаш", "45–54 года", "45–54"),
		ch("55-64", "55–64 жаш", "55–64 года", "55–64"), ch("65+", "65 жаш жана андан улуу", "65 лет и старше", "65 and over")}
	settlementTypes = []aldyn.SurveyChoice{ch("urban", "Шаар", "Город", "Town or city"), ch("rural", "Айыл", "Село", "Village")}
	safe4           = []aldyn.SurveyChoice{ch("very_safe", "Абдан коопсуз", "Очень безопасно", "Very safe"),
		ch("rather_safe", "Кыйла коопсуз", "Скорее безопасно", "Fairly safe"),
		ch("rather_unsafe", "Бир аз коркунучтуу", "Скорее небезопасно", "A bit unsafe"),
		ch("very_unsafe", "Абдан коркунучтуу", "Очень небезопасно", "Very unsafe")}
	trust5 = []aldyn.SurveyChoice{ch("fully_distrust", "Такыр ишенбейм", "Совсем не доверяю", "Do not trust at all"),
		ch("rather_distrust", "Анча ишенбейм", "Скорее не доверяю", "Rather distrust"),
		ch("neutral", "Ишенем да, ишенбейм да", "И доверяю, и нет", "Neither trust nor distrust"),
		ch("rather_trust", "Көбүнчө ишенем", "Скорее доверяю", "Rather trust"),
		ch("fully_trust", "Толук ишенем", "Полностью доверяю", "Trust fully"),
		ch("dont_know", "Билбейм", "Затрудняюсь ответить", "Don't know")}
	sat5 = []aldyn.SurveyChoice{ch("very_dissatisfied", "Такыр канааттанбайм", "Совсем не удовлетворён(а)", "Very dissatisfied"),
		ch("rather_dissatisfied", "Анча канааттанбайм", "Скорее не удовлетворён(а)", "Rather dissatisfied"),
		ch("neutral", "Орточо", "Средне", "Neither satisfied nor dissatisfied"),
		ch("rather_satisfied", "Көбүнчө канааттанам", "Скорее удовлетворён(а)", "Rather satisfied"),
		ch("very_satisfied", "Толук канааттанам", "Полностью удовлетворён(а)", "Very satisfied")}
	whyNot = []aldyn.SurveyChoice{ch("not_serious", "Анча олуттуу эмес болчу", "Было не очень серьёзно", "It was not serious enough"),
		ch("no_use", "Милиция эч нерсе кылмак эмес", "Милиция ничего бы не сделала", "The police would not have done anything"),
		ch("distrust", "Милицияга ишенбейм", "Не доверяю милиции", "I do not trust the police"),
		ch("fear", "Өч алуудан корктум", "Боялся(-лась) мести", "Fear of reprisal"),
		ch("solved_myself", "Өзүм чечтим", "Решил(а) сам(а)", "I dealt with it myself"),
		ch("shame", "Уялдым", "Было стыдно", "I was ashamed"),
		ch("other", "Башка себеп", "Другая причина", "Another reason")}
	yesNoRefuse = []aldyn.SurveyChoice{ch("yes", "Ооба", "Да", "Yes"), ch("no", "Жок", "Нет", "No"),
		ch("refuse", "Жооп бербейм", "Не хочу отвечать", "Prefer not to say")}
	measures = []aldyn.SurveyChoice{ch("report_meetings", "Участкалык инспектордун калк алдындагы отчеттору", "Отчёты участкового инспектора перед населением", "The precinct inspector's report-back meetings"),
		ch("prevention_centres", "Коомдук алдын алуу борборлору", "Общественные центры профилактики", "Community prevention centres"),
		ch("patrols", "Ыктыярдуу элдик дружиналар", "Добровольные народные дружины", "Voluntary patrols"),
		ch("cameras", "Көзөмөл камералары («Коопсуз шаар»)", "Камеры наблюдения («Безопасный город»)", "CCTV cameras (Safe City)"),
		ch("youth", "Жаштар үчүн программалар", "Программы для молодёжи", "Youth programmes"),
		ch("none", "Бири тууралуу да билбейм", "Ни о каких не знаю", "None that I know of")}
)

// Crime is a crime type of the victimization module.
type Crime struct {
	Name  string
	Label aldyn.Text // as a choice: what happened
	Short aldyn.Text // as a noun in follow-up questions
}

// Crimes are the crime types the victimization module asks about
// (domestic violence is asked separately, self-completed).
var Crimes = []Crime{
	{"theft", tx("Уурулук (мүлкүңүздү уурдап кетишти)", "Кража (у вас украли имущество)", "Theft (something of yours was stolen)"), tx("Уурулук", "Кража", "Theft")},
	{"burglary", tx("Үйүңүзгө же батириңизге уурулук максатында киришти", "Кража со взломом из дома или квартиры", "Burglary of your home"), tx("Үйгө кирип уурдоо", "Кража со взломом", "Burglary")},
	{"robbery", tx("Тоноо же каракчылык", "Грабёж или разбой", "Robbery"), tx("Тоноо", "Грабёж", "Robbery")},
	{"fraud", tx("Алдамчылык, анын ичинде телефон же интернет аркылуу", "Мошенничество, в том числе по телефону или в интернете", "Fraud, including by phone or online"), tx("Алдамчылык", "Мошенничество", "Fraud")},
	{"assault", tx("Кол салуу, уруп-сабоо", "Нападение, побои", "Assault"), tx("Кол салуу", "Нападение", "Assault")},
	{"threats", tx("Коркутуу", "Угрозы", "Threats"), tx("Коркутуу", "Угрозы", "Threats")},
	{"bribery", tx("Кызмат адамы сизден пара талап кылды", "Должностное лицо вымогало у вас взятку", "An official demanded a bribe from you"), tx("Пара талап кылуу", "Вымогательство взятки", "Bribe demand")},
}

// Bodies whose trust the trust module asks about, by the body type the
// trust index is published for.
var TrustBodies = []struct {
	Type     string
	Question string
	Label    aldyn.Text
	Name     aldyn.Text
}{
	{"police", "trust_police", tx("Милицияга канчалык ишенесиз?", "Насколько вы доверяете милиции?", "How much do you trust the police?"), tx("Милиция", "Милиция", "Police")},
	{"courts", "trust_courts", tx("Сотторго канчалык ишенесиз?", "Насколько вы доверяете судам?", "How much do you trust the courts?"), tx("Соттор", "Суды", "Courts")},
	{"prosecutors", "trust_prosecutors", tx("Прокуратурага канчалык ишенесиз?", "Насколько вы доверяете прокуратуре?", "How much do you trust the prosecutor's office?"), tx("Прокуратура", "Прокуратура", "Prosecutors")},
	{"local_government", "trust_lsg", tx("Жергиликтүү кеңештерге канчалык ишенесиз?", "Насколько вы доверяете местным кенешам?", "How much do you trust the local councils?"), tx("Жергиликтүү өз алдынча башкаруу", "Местное самоуправление", "Local self-government")},
	{"ayil_okmotu", "trust_ayil_okmotu", tx("Айыл өкмөтүңүзгө канчалык ишенесиз?", "Насколько вы доверяете своему айыл окмоту?", "How much do you trust your ayil okmotu (village administration)?"), tx("Айыл өкмөтү", "Айыл окмоту", "Ayil okmotu")},
}

func q(name string, typ aldyn.QuestionType, section string, label aldyn.Text, choices []aldyn.SurveyChoice, required bool, relevant string, list string) aldyn.SurveyQuestion {
	return aldyn.SurveyQuestion{Name: name, Type: typ, Section: section, Label: label, Choices: choices, Required: required, Relevant: relevant, ListName: list}
}

// Standard returns the standard questionnaire: who answers (territory, sex,
// age group, town or village), the feeling of safety by day and after
// dark, victimization in the last 12 months by crime type with how often,
// whether the last incident was reported and why not, domestic violence
// asked self-completed, trust in the police, courts, prosecutors, local
// councils and the ayil okmotu (5-point), satisfaction with the precinct
// inspector, and awareness of prevention measures. slug and territory are
// the new survey's address and territory.
func Standard(slug, territoryCode string) *aldyn.Survey {
	sv := &aldyn.Survey{Slug: slug, FormID: "aldyn_standard", TerritoryCode: territoryCode, Status: aldyn.SurveyDraft, OnePer: aldyn.OnePerDevice,
		Title: tx("Коопсуздук жана ишеним боюнча сурамжылоо", "Опрос о безопасности и доверии", "Survey on safety and trust"),
		Sections: []aldyn.SurveySection{
			{Name: "about", Label: tx("Өзүңүз жөнүндө", "О вас", "About you")},
			{Name: "safety", Label: tx("Коопсуздук сезими", "Чувство безопасности", "Feeling of safety")},
			{Name: "victim", Label: tx("Акыркы 12 айда болгон окуялар", "Происшествия за последние 12 месяцев", "Incidents in the last 12 months")},
			{Name: "private", Label: tx("Бул бөлүмдү өзүңүз толтуруңуз", "Этот раздел заполните сами", "Please fill in this section yourself")},
			{Name: "trust", Label: tx("Мекемелерге ишеним", "Доверие к институтам", "Trust in institutions")},
			{Name: "inspector", Label: tx("Участкалык инспектор", "Участковый инспектор", "Precinct inspector")},
			{Name: "awareness", Label: tx("Алдын алуу иш-чаралары", "Меры профилактики", "Prevention measures")},
		}}
	add := func(qs ...aldyn.SurveyQuestion) { sv.Questions = append(sv.Questions, qs...) }
	add(q("district", aldyn.QuestionTerritory, "about", tx("Кайсы районда (шаарда) жашайсыз?", "В каком районе (городе) вы живёте?", "Which district (city) do you live in?"), nil, true, "", ""),
		q("sex", aldyn.QuestionSingle, "about", tx("Жынысыңыз", "Ваш пол", "Your sex"), sexes, true, "", "sex"),
		q("age_group", aldyn.QuestionSingle, "about", tx("Жашыңыз", "Ваш возраст", "Your age"), ageGroups, true, "", "age_group"),
		q("settlement_type", aldyn.QuestionSingle, "about", tx("Шаарда же айылда жашайсызбы?", "Вы живёте в городе или в селе?", "Do you live in a town or a village?"), settlementTypes, true, "", "settlement_type"),
		q("safe_day", aldyn.QuestionLikert, "safety", tx("Күндүз конушуңузда жалгыз басып жүргөндө өзүңүздү канчалык коопсуз сезесиз?",
			"Насколько безопасно вы чувствуете себя, когда днём одни ходите по своему району?",
			"How safe do you feel walking alone in your neighbourhood during the day?"), safe4, true, "", "safe4"),
		q("safe_night", aldyn.QuestionLikert, "safety", tx("Караңгы киргенде конушуңузда жалгыз басып жүргөндө өзүңүздү канчалык коопсуз сезесиз?",
			"Насколько безопасно вы чувствуете себя, когда после наступления темноты одни ходите по своему району?",
			"How safe do you feel walking alone in your neighbourhood after dark?"), safe4, true, "", "safe4"))
	crimes := make([]aldyn.SurveyChoice, 0, len(Crimes)+1)
	for _, c := range Crimes {
		crimes = append(crimes, aldyn.SurveyChoice{Name: c.Name, Label: c.Label})
	}
	crimes = append(crimes, ch("none", "Булардын бири да болгон жок", "Ничего из этого", "None of these"))
	add(q("victim_12m", aldyn.QuestionMultiple, "victim", tx("Акыркы 12 айда сиз төмөнкү окуялардын кайсынысына кабылдыңыз? Баарын белгилеңиз.",
		"Что из перечисленного случилось с вами за последние 12 месяцев? Отметьте всё подходящее.",
		"Which of the following happened to you in the last 12 months? Mark all that apply."), crimes, true, "", "crime"))
	for _, c := range Crimes {
		add(q("times_"+c.Name, aldyn.QuestionInteger, "victim", tx(c.Short.KY+": акыркы 12 айда канча жолу болду?",
			c.Short.RU+": сколько раз за последние 12 месяцев?", c.Short.EN+": how many times in the last 12 months?"),
			nil, true, "selected(${victim_12m}, '"+c.Name+"')", ""))
	}
	victim := "count-selected(${victim_12m}) > 0 and not(selected(${victim_12m}, 'none'))"
	add(q("reported", aldyn.QuestionSingle, "victim", tx("Акыркы окуя тууралуу милицияга кабарладыңызбы?", "Сообщили ли вы о последнем случае в милицию?",
		"Did you report the most recent incident to the police?"), yesNo, true, victim, "yes_no"),
		q("why_not", aldyn.QuestionMultiple, "victim", tx("Эмне үчүн кабарлаган жоксуз?", "Почему вы не сообщили?", "Why did you not report it?"), whyNot, true, "${reported} = 'no'", "why_not"),
		q("why_not_other", aldyn.QuestionText, "victim", tx("Кайсы себеп?", "Какая причина?", "What was the reason?"), nil, false, "selected(${why_not}, 'other')", ""),
		q("domestic_violence", aldyn.QuestionSingle, "private", tx("Акыркы 12 айда үй-бүлө мүчөсү же жубайыңыз сизге физикалык же психологиялык зомбулук көрсөттүбү?",
			"За последние 12 месяцев применял ли к вам физическое или психологическое насилие член семьи или супруг(а)?",
			"In the last 12 months, has a family member or partner used physical or psychological violence against you?"), yesNoRefuse, true, "", "yes_no_refuse"),
		q("dv_reported", aldyn.QuestionSingle, "private", tx("Бул тууралуу милицияга же башка органга кабарладыңызбы?", "Сообщили ли вы об этом в милицию или другой орган?",
			"Did you tell the police or another authority about it?"), yesNo, true, "${domestic_violence} = 'yes'", "yes_no"))
	sv.Questions[len(sv.Questions)-2].Hint = tx("Бул бөлүмгө респондент өзү жооп берет; интервьючу экранды көрбөйт. Жоопторуңуз жашыруун.",
		"На этот раздел респондент отвечает сам; интервьюер не видит экран. Ваши ответы анонимны.",
		"The respondent answers this section alone; the interviewer does not see the screen. Your answers are anonymous.")
	for _, b := range TrustBodies {
		add(q(b.Question, aldyn.QuestionLikert, "trust", b.Label, trust5, true, "", "trust5"))
	}
	add(q("inspector_known", aldyn.QuestionSingle, "inspector", tx("Участкалык инспекторуңузду билесизби?", "Знаете ли вы своего участкового инспектора?",
		"Do you know your precinct inspector?"), yesNo, true, "", "yes_no"),
		q("inspector_satisfaction", aldyn.QuestionLikert, "inspector", tx("Участкалык инспектордун ишине канчалык канааттанасыз?",
			"Насколько вы удовлетворены работой участкового инспектора?", "How satisfied are you with your precinct inspector's work?"),
			sat5, true, "${inspector_known} = 'yes'", "sat5"),
		q("aware_measures", aldyn.QuestionMultiple, "awareness", tx("Аймагыңызда укук бузуулардын алдын алуу боюнча кайсы иш-чаралар тууралуу билесиз?",
			"О каких мерах профилактики правонарушений в вашей местности вы знаете?",
			"Which crime-prevention measures in your area do you know of?"), measures, false, "", "measures"))
	return sv
}
