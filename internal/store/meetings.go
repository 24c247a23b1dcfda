package store

import (
	"context"
	"database/sql"
	"slices"
	"time"

	"github.com/aldyn-kg/aldyn"
)

// This file stores the work of coordination bodies: meetings with their
// participants and decisions, the questions commissions send up, and plan
// risk registers. Scope always comes from the bodies' territories.

// Meetings.

// MeetingSorts are the columns a meeting list can be sorted by.
var MeetingSorts = map[string]string{"date": "m.held_on", "status": "m.status, m.held_on", "body": "m.body_id, m.held_on", "id": "m.id"}

var meetingList = listQuery[*aldyn.Meeting]{cols: meetingCols, from: meetingFrom,
	sorts: MeetingSorts, order: "m.held_on", newest: "date", tie: ", m.id", scan: scanMeeting, load: loadParticipants}

const meetingCols = `m.id, m.body_id, m.held_on, m.agenda_ky, m.agenda_ru, m.agenda_en, m.minutes, m.status, m.created_at, m.updated_at,
	b.territory_code, t.path`

const meetingFrom = ` FROM meetings m JOIN bodies b ON b.id = m.body_id JOIN territories t ON t.code = b.territory_code `

func scanMeeting(s interface{ Scan(...any) error }) (*aldyn.Meeting, error) {
	var m aldyn.Meeting
	var day string
	if err := s.Scan(&m.ID, &m.BodyID, &day, &m.Agenda.KY, &m.Agenda.RU, &m.Agenda.EN, &m.Minutes, &m.Status, &m.CreatedAt, &m.UpdatedAt,
		&m.TerritoryCode, &m.TerritoryPath); err != nil {
		return nil, err
	}
	m.Date, m.CreatedAt, m.UpdatedAt = parseDate(day), m.CreatedAt.UTC(), m.UpdatedAt.UTC()
	m.Participants = []int64{}
	return &m, nil
}

// FindMeetings lists meetings matching f with their participants, newest
// first by default, and the total count.
func (db *DB) FindMeetings(ctx context.Context, f aldyn.MeetingFilter) ([]*aldyn.Meeting, int, error) {
	var w where
	eq(&w, "m.id", f.ID)
	eq(&w, "m.body_id", f.BodyID)
	w.pathLike(f.Under, "t.path")
	if f.From != nil {
		w.and("m.held_on >= ?", f.From.Format(time.DateOnly))
	}
	if f.To != nil {
		w.and("m.held_on <= ?", f.To.Format(time.DateOnly))
	}
	eqString(&w, "m.status", f.Status)
	out, total, err := meetingList.page(ctx, db, &w, f.Page)
	return out, total, db.normalize(err)
}

// loadParticipants fills the participants of meetings.
func loadParticipants(ctx context.Context, r reader, meetings []*aldyn.Meeting) error {
	id := func(m *aldyn.Meeting) int64 { return m.ID }
	in, args := idList(idsOf(meetings, id))
	return loadChildren(ctx, r, byIDOf(meetings, id), func(m *aldyn.Meeting) *[]int64 { return &m.Participants }, childID,
		"SELECT meeting_id, body_id FROM meeting_participants WHERE meeting_id IN ("+in+") ORDER BY meeting_id, body_id", args...)
}

// FindMeetingByID returns one meeting with its participants and decisions.
func (db *DB) FindMeetingByID(ctx context.Context, id int64) (*aldyn.Meeting, error) {
	ms, _, err := db.FindMeetings(ctx, aldyn.MeetingFilter{ID: &id, Page: aldyn.Page{Limit: 1}})
	m, err := firstFound(ms, err, "meetings.error.not_found")
	if err != nil {
		return nil, err
	}
	m.Decisions, _, err = db.FindDecisions(ctx, aldyn.DecisionFilter{MeetingID: &id, Page: aldyn.Page{Limit: aldyn.MaxLimit, Sort: "id"}})
	return m, err
}

func (tx *Tx) meeting(ctx context.Context, id int64) (*aldyn.Meeting, error) {
	m, err := scanMeeting(tx.queryRow(ctx, "SELECT "+meetingCols+meetingFrom+"WHERE m.id = ?", id))
	if err != nil {
		return nil, tx.db.notFound(err, "meetings.error.not_found")
	}
	return m, loadParticipants(ctx, tx, []*aldyn.Meeting{m})
}

// coordinatedMeeting loads meeting id, which the actor changes, and checks
// the actor coordinates its body's territory.
func (tx *Tx) coordinatedMeeting(ctx context.Context, id int64) (*aldyn.Meeting, error) {
	m, err := tx.meeting(ctx, id)
	return allowed(m, err, func(m *aldyn.Meeting) bool { return tx.actor.CanCoordinate(m.TerritoryPath) })
}

// checkMeetingBodies checks the meeting's body is a coordination body the
// actor coordinates (setting the territory fields) and that the
// participants exist.
func (tx *Tx) checkMeetingBodies(ctx context.Context, m *aldyn.Meeting) error {
	b, err := tx.body(ctx, m.BodyID)
	if err != nil {
		return invalidField("body_id", "body.error.not_found")
	}
	if !aldyn.IsCoordinationBody(b.Type) {
		return invalidField("body_id", "meetings.error.not_coordination")
	}
	if !tx.actor.CanCoordinate(b.Territory.Path) {
		return aldyn.Errorf(aldyn.EFORBIDDEN, "error.forbidden")
	}
	m.TerritoryCode, m.TerritoryPath = b.TerritoryCode, b.Territory.Path
	for _, id := range m.Participants {
		if err := tx.bodyExists(ctx, id); err != nil {
			return invalidField("participants", "body.error.not_found")
		}
	}
	return nil
}

func (tx *Tx) bodyExists(ctx context.Context, id int64) error {
	var n int
	if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM bodies WHERE id = ?", id).Scan(&n); err != nil {
		return tx.db.normalize(err)
	}
	if n == 0 {
		return aldyn.Errorf(aldyn.ENOTFOUND, "body.error.not_found")
	}
	return nil
}

func (tx *Tx) setParticipants(ctx context.Context, m *aldyn.Meeting) error {
	return tx.replaceChildren(ctx, "meeting_participants", "meeting_id", m.ID, []string{"body_id"}, len(m.Participants),
		func(i int) []any { return []any{m.Participants[i]} })
}

// auditMeeting is the audited view of a meeting (without its decisions).
func auditMeeting(m *aldyn.Meeting) *aldyn.Meeting {
	c := *m
	c.Decisions = nil
	return &c
}

// CreateMeeting validates and inserts a meeting of a coordination body the
// actor coordinates.
func (db *DB) CreateMeeting(ctx context.Context, actor *aldyn.Actor, m *aldyn.Meeting) error {
	return db.updateValid(ctx, actor, m, func(tx *Tx) error {
		slices.Sort(m.Participants)
		if err := tx.checkMeetingBodies(ctx, m); err != nil {
			return err
		}
		m.CreatedAt, m.UpdatedAt = tx.now, tx.now
		if err := tx.queryRow(ctx, `INSERT INTO meetings (body_id, held_on, agenda_ky, agenda_ru, agenda_en, minutes, status, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, m.BodyID, m.Date.Format(time.DateOnly), m.Agenda.KY, m.Agenda.RU, m.Agenda.EN,
			m.Minutes, string(m.Status), tx.now, tx.now).Scan(&m.ID); err != nil {
			return tx.db.normalize(err)
		}
		if err := tx.setParticipants(ctx, m); err != nil {
			return err
		}
		return tx.Audit(ctx, aldyn.AuditCreate, "meeting", idString(m.ID), m.TerritoryCode, nil, auditMeeting(m))
	})
}

// UpdateMeeting replaces the fields of meeting id with those of m; a held
// meeting cannot go back to planned.
func (db *DB) UpdateMeeting(ctx context.Context, actor *aldyn.Actor, id int64, m *aldyn.Meeting) error {
	return db.updateValid(ctx, actor, m, func(tx *Tx) error {
		slices.Sort(m.Participants)
		old, err := tx.coordinatedMeeting(ctx, id)
		if err != nil {
			return err
		}
		if err := tx.checkMeetingBodies(ctx, m); err != nil {
			return err
		}
		next := *old
		if err := next.Transition(m.Status); err != nil {
			return err
		}
		m.ID, m.CreatedAt, m.UpdatedAt = id, old.CreatedAt, tx.now
		if _, err := tx.exec(ctx, `UPDATE meetings SET body_id = ?, held_on = ?, agenda_ky = ?, agenda_ru = ?, agenda_en = ?, minutes = ?, status = ?,
			updated_at = ? WHERE id = ?`, m.BodyID, m.Date.Format(time.DateOnly), m.Agenda.KY, m.Agenda.RU, m.Agenda.EN, m.Minutes, string(m.Status),
			tx.now, id); err != nil {
			return err
		}
		if err := tx.setParticipants(ctx, m); err != nil {
			return err
		}
		return tx.Audit(ctx, aldyn.AuditUpdate, "meeting", idString(id), m.TerritoryCode, auditMeeting(old), auditMeeting(m))
	})
}

// Decisions.

// DecisionSorts are the columns a decision list can be sorted by; the
// default ("urgency") puts overdue tasks first, then by deadline.
var DecisionSorts = map[string]string{"deadline": "d.deadline", "meeting": "m.held_on", "status": "d.status, d.deadline", "id": "d.id"}

const decisionCols = `d.id, d.meeting_id, d.text, d.responsible_body_id, d.deadline, d.status, d.progress, d.created_at, d.updated_at,
	m.body_id, m.held_on, t.path, COALESCE(rt.path, '')`

const decisionFrom = ` FROM decisions d JOIN meetings m ON m.id = d.meeting_id JOIN bodies b ON b.id = m.body_id
	JOIN territories t ON t.code = b.territory_code
	LEFT JOIN bodies rb ON rb.id = d.responsible_body_id LEFT JOIN territories rt ON rt.code = rb.territory_code `

func scanDecision(s interface{ Scan(...any) error }, now time.Time) (*aldyn.Decision, error) {
	var d aldyn.Decision
	var resp sql.NullInt64
	var deadline sql.NullString
	var day string
	if err := s.Scan(&d.ID, &d.MeetingID, &d.Text, &resp, &deadline, &d.Status, &d.Progress, &d.CreatedAt, &d.UpdatedAt,
		&d.MeetingBodyID, &day, &d.MeetingPath, &d.ResponsiblePath); err != nil {
		return nil, err
	}
	d.ResponsibleBodyID = resp.Int64
	if deadline.Valid {
		t := parseDate(deadline.String)
		d.Deadline = &t
	}
	d.MeetingDate, d.CreatedAt, d.UpdatedAt = parseDate(day), d.CreatedAt.UTC(), d.UpdatedAt.UTC()
	d.Overdue = d.IsOverdue(now)
	return &d, nil
}

// FindDecisions lists decisions matching f with the total count.
func (db *DB) FindDecisions(ctx context.Context, f aldyn.DecisionFilter) ([]*aldyn.Decision, int, error) {
	now := db.Now()
	today := now.Format(time.DateOnly)
	var w where
	eq(&w, "d.id", f.ID)
	eq(&w, "d.meeting_id", f.MeetingID)
	eq(&w, "d.responsible_body_id", f.ResponsibleBodyID)
	w.pathLike(f.Under, "t.path", "rt.path")
	if f.TasksOnly {
		w.and("d.responsible_body_id IS NOT NULL")
	}
	eqString(&w, "d.status", f.Status)
	if f.OverdueOnly {
		w.and("d.status = 'open' AND d.deadline < ?", today)
	}
	order, orderArgs := orderBy(f.Page, DecisionSorts, "d.deadline"), []any(nil)
	if _, ok := DecisionSorts[f.Page.Sort]; !ok {
		// Overdue first, then open tasks by deadline, then the rest.
		order = " ORDER BY CASE WHEN d.status = 'open' AND d.deadline < ? THEN 0 WHEN d.status = 'open' THEN 1 ELSE 2 END, d.deadline"
		orderArgs = []any{today}
	}
	out, total, err := findPage(ctx, db, decisionCols, decisionFrom, w.String(), w.args, order+", d.id", orderArgs, f.Page,
		func(s interface{ Scan(...any) error }) (*aldyn.Decision, error) { return scanDecision(s, now) })
	return out, total, db.normalize(err)
}

// FindDecisionByID returns one decision.
func (db *DB) FindDecisionByID(ctx context.Context, id int64) (*aldyn.Decision, error) {
	ds, _, err := db.FindDecisions(ctx, aldyn.DecisionFilter{ID: &id, Page: aldyn.Page{Limit: 1}})
	return firstFound(ds, err, "meetings.error.decision_not_found")
}

func (tx *Tx) decision(ctx context.Context, id int64) (*aldyn.Decision, error) {
	d, err := scanDecision(tx.queryRow(ctx, "SELECT "+decisionCols+decisionFrom+"WHERE d.id = ?", id), tx.now)
	return d, tx.db.notFound(err, "meetings.error.decision_not_found")
}

func deadlineArg(d *aldyn.Decision) any {
	if d.Deadline == nil {
		return nil
	}
	return d.Deadline.Format(time.DateOnly)
}

// checkResponsible checks the task's responsible body exists.
func (tx *Tx) checkResponsible(ctx context.Context, d *aldyn.Decision) error {
	if !d.IsTask() {
		return nil
	}
	if err := tx.bodyExists(ctx, d.ResponsibleBodyID); err != nil {
		return invalidField("responsible_body_id", "body.error.not_found")
	}
	return nil
}

// auditDecision is the audited view of a decision.
func auditDecision(d *aldyn.Decision) map[string]any {
	return map[string]any{"meeting_id": d.MeetingID, "text": d.Text, "responsible_body_id": d.ResponsibleBodyID, "deadline": d.Deadline,
		"status": d.Status, "progress": d.Progress}
}

// CreateDecision adds a decision to a meeting the actor coordinates.
func (db *DB) CreateDecision(ctx context.Context, actor *aldyn.Actor, d *aldyn.Decision) error {
	return db.updateValid(ctx, actor, d, func(tx *Tx) error {
		m, err := tx.coordinatedMeeting(ctx, d.MeetingID)
		if err != nil {
			return err
		}
		if err := tx.checkResponsible(ctx, d); err != nil {
			return err
		}
		d.CreatedAt, d.UpdatedAt = tx.now, tx.now
		if err := tx.queryRow(ctx, `INSERT INTO decisions (meeting_id, text, responsible_body_id, deadline, status, progress, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, d.MeetingID, d.Text, nullID(d.ResponsibleBodyID), deadlineArg(d), string(d.Status), d.Progress,
			tx.now, tx.now).Scan(&d.ID); err != nil {
			return tx.db.normalize(err)
		}
		d.MeetingBodyID, d.MeetingDate, d.MeetingPath = m.BodyID, m.Date, m.TerritoryPath
		d.Overdue = d.IsOverdue(tx.now)
		return tx.Audit(ctx, aldyn.AuditCreate, "decision", idString(d.ID), m.TerritoryCode, nil, auditDecision(d))
	})
}

// UpdateDecision replaces a decision's fields with those of d. The
// coordinators of the meeting's body change anything; the responsible
// body (aldyn.Actor.CanReportOnDecision) only reports progress: the note
// and the status open → done. Status changes follow the decision rules.
func (db *DB) UpdateDecision(ctx context.Context, actor *aldyn.Actor, id int64, d *aldyn.Decision) error {
	return db.updateValid(ctx, actor, d, func(tx *Tx) error {
		old, err := tx.decision(ctx, id)
		if err != nil {
			return err
		}
		coordinates := actor.CanCoordinate(old.MeetingPath)
		reports := actor.CanReportOnDecision(old)
		if !coordinates && !reports {
			if !actor.Covers(old.MeetingPath) && !actor.Covers(old.ResponsiblePath) {
				return aldyn.Errorf(aldyn.ENOTFOUND, "meetings.error.decision_not_found")
			}
			return aldyn.Errorf(aldyn.EFORBIDDEN, "error.forbidden")
		}
		contentChanged := d.Text != old.Text || d.ResponsibleBodyID != old.ResponsibleBodyID || !sameDay(d.Deadline, old.Deadline)
		if !coordinates && (contentChanged || d.Status == aldyn.DecisionCancelled) {
			return aldyn.Errorf(aldyn.EFORBIDDEN, "error.forbidden")
		}
		next := *old
		if err := next.Transition(d.Status); err != nil {
			return err
		}
		if err := tx.checkResponsible(ctx, d); err != nil {
			return err
		}
		d.ID, d.MeetingID, d.CreatedAt, d.UpdatedAt = id, old.MeetingID, old.CreatedAt, tx.now
		if _, err := tx.exec(ctx, `UPDATE decisions SET text = ?, responsible_body_id = ?, deadline = ?, status = ?, progress = ?, updated_at = ? WHERE id = ?`,
			d.Text, nullID(d.ResponsibleBodyID), deadlineArg(d), string(d.Status), d.Progress, tx.now, id); err != nil {
			return err
		}
		d.MeetingBodyID, d.MeetingDate, d.MeetingPath = old.MeetingBodyID, old.MeetingDate, old.MeetingPath
		d.Overdue = d.IsOverdue(tx.now)
		var code string
		if err := tx.queryRow(ctx, "SELECT b.territory_code FROM bodies b WHERE b.id = ?", old.MeetingBodyID).Scan(&code); err != nil {
			return tx.db.normalize(err)
		}
		return tx.Audit(ctx, aldyn.AuditUpdate, "decision", idString(id), code, auditDecision(old), auditDecision(d))
	})
}

func sameDay(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Format(time.DateOnly) == b.Format(time.DateOnly)
}

// Questions.

// QuestionSorts are the columns a question list can be sorted by.
var QuestionSorts = map[string]string{"created_at": "q.created_at", "subject": "q.subject", "answered_at": "q.answered_at", "id": "q.id"}

var questionList = listQuery[*aldyn.Question]{cols: questionCols, from: questionFrom,
	sorts: QuestionSorts, order: "q.created_at", newest: "created_at", tie: ", q.id", scan: scanQuestion}

const questionCols = `q.id, q.kind, q.from_body_id, q.to_body_id, q.subject, q.text, q.answer, q.answered_at, q.created_at, ft.path, tt.path`

const questionFrom = ` FROM questions q JOIN bodies fb ON fb.id = q.from_body_id JOIN territories ft ON ft.code = fb.territory_code
	JOIN bodies tb ON tb.id = q.to_body_id JOIN territories tt ON tt.code = tb.territory_code `

func scanQuestion(s interface{ Scan(...any) error }) (*aldyn.Question, error) {
	var q aldyn.Question
	var answered sql.NullTime
	if err := s.Scan(&q.ID, &q.Kind, &q.FromBodyID, &q.ToBodyID, &q.Subject, &q.Text, &q.Answer, &answered, &q.CreatedAt, &q.FromPath, &q.ToPath); err != nil {
		return nil, err
	}
	q.AnsweredAt, q.CreatedAt = nullTime(answered), q.CreatedAt.UTC()
	return &q, nil
}

// FindQuestions lists questions matching f, newest first by default.
func (db *DB) FindQuestions(ctx context.Context, f aldyn.QuestionFilter) ([]*aldyn.Question, int, error) {
	var w where
	eq(&w, "q.id", f.ID)
	switch f.Box {
	case aldyn.BoxIn:
		w.pathLike(f.Under, "tt.path")
	case aldyn.BoxOut:
		w.pathLike(f.Under, "ft.path")
	default:
		w.pathLike(f.Under, "ft.path", "tt.path")
	}
	if f.Answered != nil {
		if *f.Answered {
			w.and("q.answered_at IS NOT NULL")
		} else {
			w.and("q.answered_at IS NULL")
		}
	}
	out, total, err := questionList.page(ctx, db, &w, f.Page)
	return out, total, db.normalize(err)
}

// FindQuestionByID returns one question.
func (db *DB) FindQuestionByID(ctx context.Context, id int64) (*aldyn.Question, error) {
	qs, _, err := db.FindQuestions(ctx, aldyn.QuestionFilter{ID: &id, Page: aldyn.Page{Limit: 1}})
	return firstFound(qs, err, "meetings.error.question_not_found")
}

// CreateQuestion sends a report or question up from a commission the
// actor speaks for (aldyn.Actor.ActsFor) to a coordination body above it.
func (db *DB) CreateQuestion(ctx context.Context, actor *aldyn.Actor, q *aldyn.Question) error {
	return db.updateValid(ctx, actor, q, func(tx *Tx) error {
		from, err := tx.body(ctx, q.FromBodyID)
		if err != nil {
			return invalidField("from_body_id", "body.error.not_found")
		}
		to, err := tx.body(ctx, q.ToBodyID)
		if err != nil {
			return invalidField("to_body_id", "body.error.not_found")
		}
		if !actor.ActsFor(from.ID, from.Territory.Path) {
			return aldyn.Errorf(aldyn.EFORBIDDEN, "error.forbidden")
		}
		if err := aldyn.QuestionRoute(from, to, from.Territory.Path, to.Territory.Path); err != nil {
			return err
		}
		q.CreatedAt, q.FromPath, q.ToPath = tx.now, from.Territory.Path, to.Territory.Path
		if err := tx.queryRow(ctx, `INSERT INTO questions (kind, from_body_id, to_body_id, subject, text, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, q.Kind, q.FromBodyID, q.ToBodyID, q.Subject, q.Text, nullID(actor.UserID), tx.now).Scan(&q.ID); err != nil {
			return tx.db.normalize(err)
		}
		return tx.Audit(ctx, aldyn.AuditCreate, "question", idString(q.ID), from.TerritoryCode, nil, q)
	})
}

// AnswerQuestion records the receiving body's answer, given by one who
// speaks for it.
func (db *DB) AnswerQuestion(ctx context.Context, actor *aldyn.Actor, id int64, answer string) (*aldyn.Question, error) {
	var q *aldyn.Question
	err := db.Update(ctx, actor, func(tx *Tx) error {
		var err error
		if q, err = scanQuestion(tx.queryRow(ctx, "SELECT "+questionCols+questionFrom+"WHERE q.id = ?", id)); err != nil {
			return tx.db.notFound(err, "meetings.error.question_not_found")
		}
		if !actor.Covers(q.FromPath) && !actor.Covers(q.ToPath) {
			return aldyn.Errorf(aldyn.ENOTFOUND, "meetings.error.question_not_found")
		}
		if !actor.ActsFor(q.ToBodyID, q.ToPath) {
			return aldyn.Errorf(aldyn.EFORBIDDEN, "error.forbidden")
		}
		before := *q
		if err := q.SetAnswer(answer, tx.now); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, "UPDATE questions SET answer = ?, answered_at = ?, answered_by = ? WHERE id = ?", q.Answer, tx.now, nullID(actor.UserID), id); err != nil {
			return err
		}
		var code string
		if err := tx.queryRow(ctx, "SELECT territory_code FROM bodies WHERE id = ?", q.ToBodyID).Scan(&code); err != nil {
			return tx.db.normalize(err)
		}
		return tx.Audit(ctx, aldyn.AuditUpdate, "question", idString(id), code, &before, q)
	})
	if err != nil {
		return nil, err
	}
	return q, nil
}

// Risks.

const riskCols = `r.id, r.plan_id, r.concept_n, r.text_ky, r.text_ru, r.text_en, r.mitigation_ky, r.mitigation_ru, r.mitigation_en,
	r.owner_body_id, r.likelihood, r.impact, r.status, r.created_at, r.updated_at`

func scanRisk(s interface{ Scan(...any) error }) (*aldyn.Risk, error) {
	var r aldyn.Risk
	var owner sql.NullInt64
	if err := s.Scan(&r.ID, &r.PlanID, &r.ConceptN, &r.Text.KY, &r.Text.RU, &r.Text.EN, &r.Mitigation.KY, &r.Mitigation.RU, &r.Mitigation.EN,
		&owner, &r.Likelihood, &r.Impact, &r.Status, &r.CreatedAt, &r.UpdatedAt); err != nil {
		return nil, err
	}
	r.OwnerBodyID, r.CreatedAt, r.UpdatedAt = owner.Int64, r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	return &r, nil
}

// FindPlanRisks returns the risk register of a plan, the Concept's risks
// first, then by score.
func (db *DB) FindPlanRisks(ctx context.Context, planID int64) ([]*aldyn.Risk, error) {
	return scanList(ctx, db, scanRisk,
		"SELECT "+riskCols+" FROM plan_risks r WHERE r.plan_id = ? ORDER BY CASE WHEN r.concept_n > 0 THEN 0 ELSE 1 END, r.concept_n, r.likelihood * r.impact DESC, r.id", planID)
}

// FindRiskByID returns one risk.
func (db *DB) FindRiskByID(ctx context.Context, id int64) (*aldyn.Risk, error) {
	return riskByID(ctx, db, db, id)
}

func riskByID(ctx context.Context, db *DB, r reader, id int64) (*aldyn.Risk, error) {
	risk, err := scanRisk(r.queryRow(ctx, "SELECT "+riskCols+" FROM plan_risks r WHERE r.id = ?", id))
	return risk, db.notFound(err, "risks.error.not_found")
}

func (tx *Tx) insertRisk(ctx context.Context, r *aldyn.Risk) error {
	r.CreatedAt, r.UpdatedAt = tx.now, tx.now
	return tx.db.normalize(tx.queryRow(ctx, `INSERT INTO plan_risks (plan_id, concept_n, text_ky, text_ru, text_en, mitigation_ky, mitigation_ru, mitigation_en,
		owner_body_id, likelihood, impact, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		r.PlanID, r.ConceptN, r.Text.KY, r.Text.RU, r.Text.EN, r.Mitigation.KY, r.Mitigation.RU, r.Mitigation.EN, nullID(r.OwnerBodyID),
		r.Likelihood, r.Impact, string(r.Status), tx.now, tx.now).Scan(&r.ID))
}

// EnsurePlanRisks pre-fills an empty risk register with the Concept's §8
// risks and mitigations (see aldyn.ConceptRiskRegister) and returns how
// many it added: none when the plan has any risk already. It is called on
// a register's first view and may be called when a plan is created; the
// entries are audited as the actor's.
func (db *DB) EnsurePlanRisks(ctx context.Context, actor *aldyn.Actor, planID int64, c *aldyn.Concept) (int, error) {
	added := 0
	err := db.Update(ctx, actor, func(tx *Tx) error {
		added = 0
		p, err := planFinder.one(ctx, tx, planID)
		if err != nil {
			return err
		}
		var n int
		if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM plan_risks WHERE plan_id = ?", planID).Scan(&n); err != nil {
			return tx.db.normalize(err)
		}
		if n > 0 {
			return nil
		}
		for _, r := range aldyn.ConceptRiskRegister(planID, c) {
			if err := tx.insertRisk(ctx, r); err != nil {
				return err
			}
			if err := tx.Audit(ctx, aldyn.AuditCreate, "risk", idString(r.ID), p.TerritoryCode, nil, r); err != nil {
				return err
			}
			added++
		}
		return nil
	})
	if aldyn.ErrorCode(err) == aldyn.ECONFLICT {
		return 0, nil // filled by a concurrent first view
	}
	return added, err
}

func (tx *Tx) checkRiskOwner(ctx context.Context, r *aldyn.Risk) error {
	if r.OwnerBodyID == 0 {
		return nil
	}
	if err := tx.bodyExists(ctx, r.OwnerBodyID); err != nil {
		return invalidField("owner_body_id", "body.error.not_found")
	}
	return nil
}

// CreateRisk adds a risk to the register of a plan the actor manages
// (aldyn.Actor.CanManagePlan).
func (db *DB) CreateRisk(ctx context.Context, actor *aldyn.Actor, r *aldyn.Risk) error {
	return db.updateValid(ctx, actor, r, func(tx *Tx) error {
		p, err := tx.managedPlan(ctx, r.PlanID)
		if err != nil {
			return err
		}
		if err := tx.checkRiskOwner(ctx, r); err != nil {
			return err
		}
		r.ConceptN = 0
		if err := tx.insertRisk(ctx, r); err != nil {
			return err
		}
		return tx.Audit(ctx, aldyn.AuditCreate, "risk", idString(r.ID), p.TerritoryCode, nil, r)
	})
}

// UpdateRisk replaces a risk's fields with those of r.
func (db *DB) UpdateRisk(ctx context.Context, actor *aldyn.Actor, id int64, r *aldyn.Risk) error {
	return db.updateValid(ctx, actor, r, func(tx *Tx) error {
		old, err := riskByID(ctx, tx.db, tx, id)
		if err != nil {
			return err
		}
		p, err := tx.managedPlan(ctx, old.PlanID)
		if err != nil {
			return err
		}
		if err := tx.checkRiskOwner(ctx, r); err != nil {
			return err
		}
		r.ID, r.PlanID, r.ConceptN, r.CreatedAt, r.UpdatedAt = id, old.PlanID, old.ConceptN, old.CreatedAt, tx.now
		if _, err := tx.exec(ctx, `UPDATE plan_risks SET text_ky = ?, text_ru = ?, text_en = ?, mitigation_ky = ?, mitigation_ru = ?, mitigation_en = ?,
			owner_body_id = ?, likelihood = ?, impact = ?, status = ?, updated_at = ? WHERE id = ?`, r.Text.KY, r.Text.RU, r.Text.EN,
			r.Mitigation.KY, r.Mitigation.RU, r.Mitigation.EN, nullID(r.OwnerBodyID), r.Likelihood, r.Impact, string(r.Status), tx.now, id); err != nil {
			return err
		}
		return tx.Audit(ctx, aldyn.AuditUpdate, "risk", idString(id), p.TerritoryCode, old, r)
	})
}
