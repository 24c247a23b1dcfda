package store

import (
	"context"

	"github.com/aldyn-kg/aldyn"
)

// Measures.

// MeasureSorts are the columns a measure list can be sorted by.
var MeasureSorts = map[string]string{"code": "m.sort_key", "title_ky": "m.title_ky", "title_ru": "m.title_ru", "title_en": "m.title_en",
	"component": "m.component_code, m.sort_key", "body": "m.responsible_body_id, m.sort_key", "start": "m.start_on", "due": "m.due_on", "id": "m.id"}

var measureFinder = finder[*aldyn.Measure, aldyn.MeasureFilter]{
	list: listQuery[*aldyn.Measure]{colsFor: measureCols, from: " FROM measures m JOIN plans p ON p.id = m.plan_id",
		sorts: MeasureSorts, order: "m.sort_key", tie: ", m.id", scan: scanMeasure,
		load: loadIn("m.id", measureID, loadMeasureChildren)},
	filter: func(w *where, f aldyn.MeasureFilter) aldyn.Page {
		eq(w, "m.id", f.ID)
		w.ofPlan("m.plan_id", f.PlanID, f.Under)
		eq(w, "m.component_code", f.ComponentCode)
		eq(w, "m.responsible_body_id", f.ResponsibleBodyID)
		w.search(f.Query, "m.search_text")
		return f.Page
	},
	idCol: "m.id", notFound: "measure.error.not_found",
}

const measureColsBase = `m.id, m.plan_id, m.code, m.component_code, m.task_code, m.title_ky, m.title_ru, m.title_en,
	m.description_ky, m.description_ru, m.description_en, m.expected_result_ky, m.expected_result_ru, m.expected_result_en,
	m.responsible_body_id, m.start_on, m.due_on, m.cancelled`

func measureCols(r reader) string {
	return measureColsBase + ", " + timeCol(r, "m.created_at") + ", " + timeCol(r, "m.updated_at")
}

func scanMeasure(s interface{ Scan(...any) error }) (*aldyn.Measure, error) {
	var m aldyn.Measure
	var start, due string
	if err := s.Scan(intInto[int64]{&m.ID}, intInto[int64]{&m.PlanID}, &m.Code, &m.ComponentCode, &m.TaskCode, &m.Title.KY, &m.Title.RU, &m.Title.EN,
		&m.Description.KY, &m.Description.RU, &m.Description.EN, &m.ExpectedResult.KY, &m.ExpectedResult.RU, &m.ExpectedResult.EN,
		intInto[int64]{&m.ResponsibleBodyID}, &start, &due, &m.Cancelled, timeScan{&m.CreatedAt}, timeScan{&m.UpdatedAt}); err != nil {
		return nil, err
	}
	m.Start, m.Due = parseDate(start), parseDate(due)
	return &m, nil
}

// FindMeasures lists the measures of plan planID matching f, in code
// order by default, with the total count.
func (db *DB) FindMeasures(ctx context.Context, planID int64, f aldyn.MeasureFilter) ([]*aldyn.Measure, int, error) {
	f.PlanID = &planID
	return db.findMeasures(ctx, f)
}

func (db *DB) findMeasures(ctx context.Context, f aldyn.MeasureFilter) ([]*aldyn.Measure, int, error) {
	return readList(ctx, db, f, measureFinder.find)
}

// loadMeasureChildren fills the co-executors, budget lines and indicator
// links of measures, which are those of the measures m matching cond.
func loadMeasureChildren(ctx context.Context, r reader, measures []*aldyn.Measure, cond string, args ...any) error {
	for _, m := range measures {
		m.CoExecutorIDs, m.Budget, m.IndicatorIDs = []int64{}, []aldyn.BudgetLine{}, []int64{}
	}
	byID := byIDOf(measures, measureID)
	if err := loadChildren(ctx, r, byID, func(m *aldyn.Measure) *[]int64 { return &m.CoExecutorIDs }, childID,
		"SELECT x.measure_id, x.body_id FROM measure_co_executors x JOIN measures m ON m.id = x.measure_id WHERE "+cond+" ORDER BY x.measure_id, x.body_id", args...); err != nil {
		return err
	}
	if err := loadChildren(ctx, r, byID, func(m *aldyn.Measure) *[]aldyn.BudgetLine { return &m.Budget }, budgetLine,
		"SELECT x.measure_id, x.source, x.funder, x.amount_kgs FROM measure_budget_lines x JOIN measures m ON m.id = x.measure_id WHERE "+cond+" ORDER BY x.measure_id, x.line_no", args...); err != nil {
		return err
	}
	return loadChildren(ctx, r, byID, func(m *aldyn.Measure) *[]int64 { return &m.IndicatorIDs }, childID,
		"SELECT x.measure_id, x.indicator_id FROM measure_indicators x JOIN measures m ON m.id = x.measure_id WHERE "+cond+" ORDER BY x.measure_id, x.indicator_id", args...)
}

func measureID(m *aldyn.Measure) int64 { return m.ID }

// FindMeasureByID returns one measure with its co-executors, budget and
// indicator links.
func (db *DB) FindMeasureByID(ctx context.Context, id int64) (*aldyn.Measure, error) {
	return readOne(ctx, db, id, measureFinder.one)
}

func (tx *Tx) measure(ctx context.Context, id int64) (*aldyn.Measure, error) {
	return measureFinder.one(ctx, tx, id)
}

// checkPlanIndicators checks that ids are indicators of plan planID.
func (tx *Tx) checkPlanIndicators(ctx context.Context, planID int64, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	in, args := idList(ids)
	var n int
	if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM indicators WHERE plan_id = ? AND id IN ("+in+")", append([]any{planID}, args...)...).Scan(&n); err != nil {
		return tx.db.normalize(err)
	}
	if n != len(ids) {
		return invalidField("indicator_ids", "measure.error.indicator_plan")
	}
	return nil
}

// CreateMeasure validates and inserts a measure of a draft plan. Component
// and task codes are checked against the Concept by the caller
// (aldyn.Measure.Validate with the Concept); the store checks the plan's
// years, the bodies and that the indicators are the plan's.
func (db *DB) CreateMeasure(ctx context.Context, actor *aldyn.Actor, m *aldyn.Measure) error {
	return db.Update(ctx, actor, func(tx *Tx) error {
		p, err := tx.editablePlan(ctx, m.PlanID)
		if err != nil {
			return err
		}
		if err := m.Validate(p, nil); err != nil {
			return err
		}
		if err := tx.checkPlanIndicators(ctx, p.ID, m.IndicatorIDs); err != nil {
			return err
		}
		if err := tx.insertMeasure(ctx, m); err != nil {
			return err
		}
		return tx.planContentChanged(ctx, p, aldyn.AuditCreate, "measure", idString(m.ID), nil, m)
	})
}

// insertMeasure inserts m, a new measure, with its co-executors, budget
// lines and indicator links.
func (tx *Tx) insertMeasure(ctx context.Context, m *aldyn.Measure) error {
	m.ID, m.CreatedAt, m.UpdatedAt = 0, tx.now, tx.now
	if err := tx.queryRow(ctx, `INSERT INTO measures (plan_id, code, sort_key, component_code, task_code, title_ky, title_ru, title_en,
		description_ky, description_ru, description_en, expected_result_ky, expected_result_ru, expected_result_en,
		responsible_body_id, start_on, due_on, cancelled, search_text, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		m.PlanID, m.Code, codeKey(m.Code), m.ComponentCode, m.TaskCode, m.Title.KY, m.Title.RU, m.Title.EN,
		m.Description.KY, m.Description.RU, m.Description.EN, m.ExpectedResult.KY, m.ExpectedResult.RU, m.ExpectedResult.EN,
		m.ResponsibleBodyID, isoDate(m.Start), isoDate(m.Due), m.Cancelled, measureSearch(m), tx.now, tx.now).Scan(&m.ID); err != nil {
		return tx.db.normalize(err)
	}
	return tx.insertMeasureChildren(ctx, m)
}

func measureSearch(m *aldyn.Measure) string {
	return searchText(m.Code, m.Title.KY, m.Title.RU, m.Title.EN)
}

func (tx *Tx) insertMeasureChildren(ctx context.Context, m *aldyn.Measure) error {
	for _, b := range m.CoExecutorIDs {
		if _, err := tx.exec(ctx, `INSERT INTO measure_co_executors (measure_id, body_id) VALUES (?, ?)`, m.ID, b); err != nil {
			return err
		}
	}
	for i, l := range m.Budget {
		if _, err := tx.exec(ctx, `INSERT INTO measure_budget_lines (measure_id, line_no, source, funder, amount_kgs) VALUES (?, ?, ?, ?, ?)`,
			m.ID, i+1, l.Source, l.Funder, l.AmountKGS); err != nil {
			return err
		}
	}
	for _, ind := range m.IndicatorIDs {
		if _, err := tx.exec(ctx, `INSERT INTO measure_indicators (measure_id, indicator_id) VALUES (?, ?)`, m.ID, ind); err != nil {
			return err
		}
	}
	return tx.refreshMeasureSummaries(ctx, "m.id = ?", m.ID)
}

// editableMeasure loads measure id, which the actor changes, and its plan,
// which must be a draft the actor manages (Tx.editablePlan).
func (tx *Tx) editableMeasure(ctx context.Context, id int64) (*aldyn.Measure, *aldyn.Plan, error) {
	return editablePart(ctx, tx, id, measureFinder.one, func(m *aldyn.Measure) int64 { return m.PlanID })
}

// UpdateMeasure replaces measure id of a draft plan with m.
func (db *DB) UpdateMeasure(ctx context.Context, actor *aldyn.Actor, id int64, m *aldyn.Measure) error {
	return db.Update(ctx, actor, func(tx *Tx) error {
		old, p, err := tx.editableMeasure(ctx, id)
		if err != nil {
			return err
		}
		m.ID, m.PlanID, m.CreatedAt, m.UpdatedAt = id, old.PlanID, old.CreatedAt, tx.now
		if err := m.Validate(p, nil); err != nil {
			return err
		}
		if err := tx.checkPlanIndicators(ctx, p.ID, m.IndicatorIDs); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE measures SET code = ?, sort_key = ?, component_code = ?, task_code = ?, title_ky = ?, title_ru = ?, title_en = ?,
			description_ky = ?, description_ru = ?, description_en = ?, expected_result_ky = ?, expected_result_ru = ?, expected_result_en = ?,
			responsible_body_id = ?, start_on = ?, due_on = ?, cancelled = ?, search_text = ?, updated_at = ? WHERE id = ?`,
			m.Code, codeKey(m.Code), m.ComponentCode, m.TaskCode, m.Title.KY, m.Title.RU, m.Title.EN,
			m.Description.KY, m.Description.RU, m.Description.EN, m.ExpectedResult.KY, m.ExpectedResult.RU, m.ExpectedResult.EN,
			m.ResponsibleBodyID, isoDate(m.Start), isoDate(m.Due), m.Cancelled, measureSearch(m), tx.now, id); err != nil {
			return err
		}
		for _, t := range []string{"measure_co_executors", "measure_budget_lines", "measure_indicators"} {
			if _, err := tx.exec(ctx, "DELETE FROM "+t+" WHERE measure_id = ?", id); err != nil {
				return err
			}
		}
		if err := tx.insertMeasureChildren(ctx, m); err != nil {
			return err
		}
		return tx.planContentChanged(ctx, p, aldyn.AuditUpdate, "measure", idString(id), old, m)
	})
}

// DeleteMeasure removes measure id of a draft plan.
func (db *DB) DeleteMeasure(ctx context.Context, actor *aldyn.Actor, id int64) error {
	return db.Update(ctx, actor, func(tx *Tx) error {
		old, p, err := tx.editableMeasure(ctx, id)
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `DELETE FROM measures WHERE id = ?`, id); err != nil {
			return err
		}
		return tx.planContentChanged(ctx, p, aldyn.AuditDelete, "measure", idString(id), old, nil)
	})
}
