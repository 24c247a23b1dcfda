package demo

import (
	"fmt"
	"time"

	"github.com/aldyn-kg/aldyn"
)

// meetings adds the coordination bodies' demo meetings around the first
// closed quarter F: the Council and the Alamüdün commission met and
// decided, with tasks for bodies (one done, one overdue, one open); the
// Alamüdün commission sent a question up to the Chüy commission, which
// answered, and a report to the Council; both bodies' next meetings are
// planned after now.
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
		minutes           string // empty: planned, not yet held
		participants      []string
		decisions         []decision
	}
	// F ends at least four months before now (timeline): the Council meets
	// on F 24 days after it, sets a task due 55 days after it (done), one
	// due 100 days after it (overdue by now) and one due 244 days after it
	// (still open).
	f, next := d.firstClosed(), d.current()
	after := func(days int) time.Time { return f.to.AddDate(0, 0, days) }
	fq, nq := quarterText(f), quarterText(next)
	ms := []meeting{
		{body: "council", coordinator: "council.coordinator", date: after(24),
			agenda: aldyn.Text{KY: "Улуттук пландын " + fq.KY + " аткарылышы жөнүндө", RU: "О ходе выполнения Национального плана в " + fq.RU,
				EN: "Progress of the National Action Plan in " + fq.EN},
			minutes:      "Мониторинг отчету угулду. Иш-чаралардын бир бөлүгүнүн отчету тапшырылган эмес; жооптуу органдарга эскертүү берилди. Мектептердеги укуктук билим берүү боюнча иш-чаралар жакшы деп табылды.",
			participants: []string{"mvd", "gp", "education", "probation"},
			decisions: []decision{
				{text: "Отчет тапшырбаган органдар бир айдын ичинде түшүндүрмө жана отчет берсин.", body: "mvd", deadline: after(55),
					done: "Түшүндүрмө жана отчет мөөнөтүнөн мурда берилди."},
				{text: "Пробация органы кайра укук бузуунун алдын алуу боюнча программанын долбоорун даярдасын.", body: "probation", deadline: after(100)},
				{text: "Мектептердеги укуктук билим берүү тажрыйбасын бардык облустарга жайылтуу сунушталсын.", body: "education", deadline: after(244)},
			}},
		{body: "alamudun-commission", coordinator: "alamudun.coordinator", date: after(77),
			agenda: aldyn.Text{KY: "Лебединовкадагы көчө жарыгы жана өспүрүмдөрдүн кечки бош убактысы", RU: "Уличное освещение в Лебединовке и вечерний досуг подростков",
				EN: "Street lighting in Lebedinovka and teenagers' evenings"},
			minutes:      "Айыл өкмөтү 14 көчөнүн 9ы жарыктандырылганын билдирди. Участкалык инспектор кечки саат 20дан кийинки бейбаштык азайганын айтты.",
			participants: []string{"alamudun-police", "alamudun-ao", "alamudun-centre"},
			decisions: []decision{
				{text: "Калган 5 көчөнү жарыктандыруу жылдын аягына чейин бүтсүн.", body: "alamudun-ao", deadline: day(after(77).Year(), time.December, 31)},
				{text: "Спорт секцияларынын графигин мектептерге жана ата-энелерге жеткирүү.", body: "alamudun-centre", deadline: after(93),
					done: "График 6 мектепке жана ата-энелердин чаттарына жөнөтүлдү."},
			}},
		{body: "council", coordinator: "council.coordinator", date: d.now.AddDate(0, 0, 18).Truncate(24 * time.Hour),
			agenda: aldyn.Text{KY: "Улуттук пландын " + nq.KY + " аткарылышы жана кийинки жылдын бюджети жөнүндө",
				RU: "О ходе выполнения Национального плана в " + nq.RU + " и о бюджете на следующий год",
				EN: "Progress of the National Action Plan in " + nq.EN + " and next year's budget"},
			participants: []string{"mvd", "gp", "education", "probation", "court"}},
		{body: "alamudun-commission", coordinator: "alamudun.coordinator", date: d.now.AddDate(0, 0, 9).Truncate(24 * time.Hour),
			agenda: aldyn.Text{KY: "Биргелешкен пландын " + nq.KY + " аткарылышы", RU: "Выполнение совместного плана в " + nq.RU,
				EN: "The joint plan in " + nq.EN},
			participants: []string{"alamudun-police", "alamudun-ao", "alamudun-centre"}},
	}
	for _, m := range ms {
		coord := d.actors[m.coordinator]
		d.at(m.date.AddDate(0, 0, -14), 10)
		mt := &aldyn.Meeting{BodyID: d.bodies[m.body], Date: m.date, Agenda: m.agenda, Status: aldyn.MeetingPlanned}
		for _, p := range m.participants {
			mt.Participants = append(mt.Participants, d.bodies[p])
		}
		if m.minutes == "" {
			d.at(d.now.AddDate(0, 0, -3).Truncate(24*time.Hour), 10)
		}
		if err := d.db.CreateMeeting(d.ctx, coord, mt); err != nil {
			return fmt.Errorf("meeting of %s: %w", m.body, err)
		}
		if m.minutes == "" {
			continue
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
	d.at(after(97), 10)
	q := &aldyn.Question{Kind: aldyn.QuestionQuestion, FromBodyID: d.bodies["alamudun-commission"], ToBodyID: d.bodies["chui-commission"],
		Subject: "Көчө жарыгына облустук бюджеттен кошумча каражат",
		Text:    "Лебединовкадагы калган 5 көчөнү жарыктандырууга жергиликтүү бюджет жетпейт. Облустук бюджеттен тең каржылоо мүмкүнбү?"}
	if err := d.db.CreateQuestion(d.ctx, d.actors["alamudun.coordinator"], q); err != nil {
		return fmt.Errorf("question: %w", err)
	}
	d.at(after(112), 15)
	if _, err := d.db.AnswerQuestion(d.ctx, d.actors["chui.coordinator"], q.ID,
		fmt.Sprintf("Облустук комиссия %d-жылдын бюджетине 300 000 сом тең каржылоону сунуштайт; долбоордук сметаны бир айдын ичинде жибериңиз.", after(112).Year()+1)); err != nil {
		return fmt.Errorf("answer: %w", err)
	}
	rep := &aldyn.Question{Kind: aldyn.QuestionReport, FromBodyID: d.bodies["alamudun-commission"], ToBodyID: d.bodies["council"],
		Subject: "Аламүдүн районунун биргелешкен планынын " + quarterText(d.quarters[1]).KY + " аткарылышы",
		Text:    "Төрт иш-чаранын үчөө пландагыдай аткарылууда; көчө жарыгы боюнча иш-чара каржылоонун жетишсиздигинен артта калууда."}
	if err := d.db.CreateQuestion(d.ctx, d.actors["alamudun.coordinator"], rep); err != nil {
		return fmt.Errorf("report to the Council: %w", err)
	}
	return nil
}

// quarterText names a quarter as agendas do: "2026-жылдын II чейрегиндеги",
// "II квартале 2026 года", "Q2 2026".
func quarterText(q quarter) aldyn.Text {
	roman := [4]string{"I", "II", "III", "IV"}[(int(q.from.Month())-1)/3]
	y := q.from.Year()
	return aldyn.Text{KY: fmt.Sprintf("%d-жылдын %s чейрегиндеги", y, roman), RU: fmt.Sprintf("%s квартале %d года", roman, y),
		EN: fmt.Sprintf("Q%d %d", (int(q.from.Month())+2)/3, y)}
}
