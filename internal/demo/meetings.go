package demo

import (
	"fmt"
	"time"

	"github.com/aldyn-kg/aldyn"
)

// meetings adds the coordination bodies' demo meetings: the Council and
// the Alamüdün commission met and decided, with tasks for bodies (one done,
// one overdue, one open); the Alamüdün commission sent a question up to the
// Chüy commission, which answered, and a report to the Council; the risk
// registers of the plans are filled from the Concept.
func (d *demoPlans) meetings() error {
	type decision struct {
		text     string
		body     string
		deadline time.Time
		done     string // progress note when done
	}
	type meeting struct {
		body, coordinator string
		date              time.Time
		agenda            aldyn.Text
		minutes           string
		participants      []string
		decisions         []decision
	}
	ms := []meeting{
		{body: "council", coordinator: "council.coordinator", date: day(2026, time.July, 24),
			agenda: aldyn.Text{KY: "Улуттук пландын 2026-жылдын II чейрегиндеги аткарылышы жөнүндө", RU: "О ходе выполнения Национального плана во II квартале 2026 года",
				EN: "Progress of the National Action Plan in Q2 2026"},
			minutes:      "Мониторинг отчету угулду. 48 иш-чаранын 9унун отчету тапшырылган эмес; жооптуу органдарга эскертүү берилди. Мектептердеги укуктук билим берүү боюнча иш-чаралар жакшы деп табылды.",
			participants: []string{"mvd", "gp", "education", "probation"},
			decisions: []decision{
				{text: "Отчет тапшырбаган органдар бир айдын ичинде түшүндүрмө жана отчет берсин.", body: "mvd", deadline: day(2026, time.August, 24),
					done: "Түшүндүрмө жана отчет 2026-жылдын 20-августунда берилди."},
				{text: "Пробация органы кайра укук бузуунун алдын алуу боюнча программанын долбоорун даярдасын.", body: "probation", deadline: day(2026, time.October, 31)},
				{text: "Мектептердеги укуктук билим берүү тажрыйбасын бардык облустарга жайылтуу сунушталсын.", body: "education", deadline: day(2027, time.March, 1)},
			}},
		{body: "alamudun-commission", coordinator: "alamudun.coordinator", date: day(2026, time.September, 15),
			agenda: aldyn.Text{KY: "Лебединовкадагы көчө жарыгы жана өспүрүмдөрдүн кечки бош убактысы", RU: "Уличное освещение в Лебединовке и вечерний досуг подростков",
				EN: "Street lighting in Lebedinovka and teenagers' evenings"},
			minutes:      "Айыл өкмөтү 14 көчөнүн 9ы жарыктандырылганын билдирди. Участкалык инспектор кечки саат 20дан кийинки бейбаштык азайганын айтты.",
			participants: []string{"alamudun-police", "alamudun-ao", "alamudun-centre"},
			decisions: []decision{
				{text: "Калган 5 көчөнү жарыктандыруу жылдын аягына чейин бүтсүн.", body: "alamudun-ao", deadline: day(2026, time.December, 31)},
				{text: "Спорт секцияларынын графигин мектептерге жана ата-энелерге жеткирүү.", body: "alamudun-centre", deadline: day(2026, time.October, 1),
					done: "График 6 мектепке жана ата-энелердин чаттарына жөнөтүлдү."},
			}},
	}
	for _, m := range ms {
		coord := d.actors[m.coordinator]
		d.at(m.date.AddDate(0, 0, -14), 10)
		mt := &aldyn.Meeting{BodyID: d.bodies[m.body], Date: m.date, Agenda: m.agenda, Status: aldyn.MeetingPlanned}
		for _, p := range m.participants {
			mt.Participants = append(mt.Participants, d.bodies[p])
		}
		if err := d.db.CreateMeeting(d.ctx, coord, mt); err != nil {
			return fmt.Errorf("meeting of %s: %w", m.body, err)
		}
		d.at(m.date, 17)
		held := *mt
		held.Status, held.Minutes = aldyn.MeetingHeld, m.minutes
		if err := d.db.UpdateMeeting(d.ctx, coord, mt.ID, &held); err != nil {
			return fmt.Errorf("minutes of %s: %w", m.body, err)
		}
		for _, dc := range m.decisions {
			deadline := dc.deadline
			dec := &aldyn.Decision{MeetingID: mt.ID, Text: dc.text, ResponsibleBodyID: d.bodies[dc.body], Deadline: &deadline, Status: aldyn.DecisionOpen}
			if err := d.db.CreateDecision(d.ctx, coord, dec); err != nil {
				return fmt.Errorf("decision of %s: %w", m.body, err)
			}
			if dc.done == "" {
				continue
			}
			d.at(deadline.AddDate(0, 0, -5), 11)
			done := *dec
			done.Status, done.Progress = aldyn.DecisionDone, dc.done
			if err := d.db.UpdateDecision(d.ctx, d.actors[reporterOf[dc.body]], dec.ID, &done); err != nil {
				return fmt.Errorf("decision done by %s: %w", dc.body, err)
			}
		}
	}
	d.at(day(2026, time.October, 5), 10)
	q := &aldyn.Question{Kind: aldyn.QuestionQuestion, FromBodyID: d.bodies["alamudun-commission"], ToBodyID: d.bodies["chui-commission"],
		Subject: "Көчө жарыгына облустук бюджеттен кошумча каражат",
		Text:    "Лебединовкадагы калган 5 көчөнү жарыктандырууга жергиликтүү бюджет жетпейт. Облустук бюджеттен тең каржылоо мүмкүнбү?"}
	if err := d.db.CreateQuestion(d.ctx, d.actors["alamudun.coordinator"], q); err != nil {
		return fmt.Errorf("question: %w", err)
	}
	d.at(day(2026, time.October, 20), 15)
	if _, err := d.db.AnswerQuestion(d.ctx, d.actors["chui.coordinator"], q.ID,
		"Облустук комиссия 2027-жылдын бюджетине 300 000 сом тең каржылоону сунуштайт; долбоордук сметаны 15-ноябрга чейин жибериңиз."); err != nil {
		return fmt.Errorf("answer: %w", err)
	}
	rep := &aldyn.Question{Kind: aldyn.QuestionReport, FromBodyID: d.bodies["alamudun-commission"], ToBodyID: d.bodies["council"],
		Subject: "Аламүдүн районунун биргелешкен планынын III чейректеги аткарылышы",
		Text:    "Төрт иш-чаранын үчөө пландагыдай аткарылууда; көчө жарыгы боюнча иш-чара каржылоонун жетишсиздигинен артта калууда."}
	if err := d.db.CreateQuestion(d.ctx, d.actors["alamudun.coordinator"], rep); err != nil {
		return fmt.Errorf("report to the Council: %w", err)
	}
	return nil
}
