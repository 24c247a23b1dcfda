package store

import (
	"context"
	"database/sql"

	"github.com/aldyn-kg/aldyn"
)

// Indicators.

// IndicatorSorts are the columns an indicator list can be sorted by.
var IndicatorSorts = map[string]string{"code": "i.sort_key", "name_ky": "i.name_ky", "name_ru": "i.name_ru", "name_en": "i.name_en", "id": "i.id"}

var indicatorFinder = finder[*aldyn.Indicator, aldyn.IndicatorFilter]{
	list: listQuery[*aldyn.Indicator]{colsFor: indicatorCols, from: " FROM indicators i JOIN plans p ON p.id = i.plan_id",
		sorts: IndicatorSorts, order: "i.sort_key", tie: ", i.id", scan: scanIndicator,
		load: loadIn("i.id", indicatorID, loadTargets)},
	filter: func(w *where, f aldyn.IndicatorFilter) aldyn.Page {
		eq(w, "i.id", f.ID)
		w.ofPlan("i.plan_id", f.PlanID, f.Under)
		w.search(f.Query, "i.search_text")
		return f.Page
	},
	idCol: "i.id", notFound: "indicator.error.not_found",
}

const indicatorColsBase = `i.id, i.plan_id, i.code, i.name_ky, i.name_ru, i.name_en, i.unit, i.higher_is_better, i.kind, i.numerator,
	i.denominator, i.source, i.offense_category, i.disaggregation, i.verification_ky, i.verification_ru, i.verification_en,
	i.frequency, i.baseline_value, i.baseline_year`

func indicatorCols(r reader) string {
	return indicatorColsBase + ", " + timeCol(r, "i.created_at") + ", " + timeCol(r, "i.updated_at")
}

func scanIndicator(s interface{ Scan(...any) error }) (*aldyn.Indicator, error) {
	var i aldyn.Indicator
	if err := s.Scan(intInto[int64]{&i.ID}, intInto[int64]{&i.PlanID}, &i.Code, &i.Name.KY, &i.Name.RU, &i.Name.EN, &i.Unit, &i.HigherIsBetter, &i.Kind, &i.Numerator,
		&i.Denominator, &i.Source, &i.OffenseCategory, &i.Disaggregation, &i.Verification.KY, &i.Verification.RU, &i.Verification.EN,
		&i.Frequency, &i.BaselineValue, intInto[int]{&i.BaselineYear}, timeScan{&i.CreatedAt}, timeScan{&i.UpdatedAt}); err != nil {
		return nil, err
	}
	i.Targets = []aldyn.IndicatorTarget{}
	return &i, nil
}

// FindIndicators lists indicators matching f, in code order by default,
// with their targets and the total count.
func (db *DB) FindIndicators(ctx context.Context, f aldyn.IndicatorFilter) ([]*aldyn.Indicator, int, error) {
	return readList(ctx, db, f, indicatorFinder.find)
}

// loadTargets fills the targets of indicators, which are those of the
// indicators i matching cond.
func loadTargets(ctx context.Context, r reader, indicators []*aldyn.Indicator, cond string, args ...any) error {
	return loadChildren(ctx, r, byIDOf(indicators, indicatorID), func(i *aldyn.Indicator) *[]aldyn.IndicatorTarget { return &i.Targets },
		func(id *int64, t *aldyn.IndicatorTarget) []any {
			return []any{intInto[int64]{id}, intInto[int]{&t.Year}, &t.Value}
		},
		"SELECT x.indicator_id, x.year, x.value FROM indicator_targets x JOIN indicators i ON i.id = x.indicator_id WHERE "+cond+" ORDER BY x.indicator_id, x.year", args...)
}

func indicatorID(i *aldyn.Indicator) int64 { return i.ID }

// FindIndicatorByID returns one indicator with its targets.
func (db *DB) FindIndicatorByID(ctx context.Context, id int64) (*aldyn.Indicator, error) {
	return readOne(ctx, db, id, indicatorFinder.one)
}

func indicatorSearch(i *aldyn.Indicator) string {
	return searchText(i.Code, i.Name.KY, i.Name.RU, i.Name.EN)
}

// CreateIndicator validates and inserts an indicator of a draft plan.
func (db *DB) CreateIndicator(ctx context.Context, actor *aldyn.Actor, ind *aldyn.Indicator) error {
	return db.updateValid(ctx, actor, ind, func(tx *Tx) error {
		p, err := tx.editablePlan(ctx, ind.PlanID)
		if err != nil {
			return err
		}
		if err := tx.insertIndicator(ctx, ind); err != nil {
			return err
		}
		return tx.planContentChanged(ctx, p, aldyn.AuditCreate, "indicator", idString(ind.ID), nil, ind)
	})
}

// insertIndicator inserts ind, a new indicator, with its targets.
func (tx *Tx) insertIndicator(ctx context.Context, ind *aldyn.Indicator) error {
	ind.ID, ind.CreatedAt, ind.UpdatedAt = 0, tx.now, tx.now
	if err := tx.queryRow(ctx, `INSERT INTO indicators (plan_id, code, sort_key, name_ky, name_ru, name_en, unit, higher_is_better, kind,
		numerator, denominator, source, offense_category, disaggregation, verification_ky, verification_ru, verification_en,
		frequency, baseline_value, baseline_year, search_text, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		ind.PlanID, ind.Code, codeKey(ind.Code), ind.Name.KY, ind.Name.RU, ind.Name.EN, ind.Unit, ind.HigherIsBetter, ind.Kind,
		ind.Numerator, ind.Denominator, ind.Source, ind.OffenseCategory, ind.Disaggregation, ind.Verification.KY, ind.Verification.RU, ind.Verification.EN,
		ind.Frequency, ind.BaselineValue, ind.BaselineYear, indicatorSearch(ind), tx.now, tx.now).Scan(&ind.ID); err != nil {
		return tx.db.normalize(err)
	}
	return tx.insertTargets(ctx, ind)
}

func (tx *Tx) insertTargets(ctx context.Context, ind *aldyn.Indicator) error {
	for _, t := range ind.Targets {
		if _, err := tx.exec(ctx, `INSERT INTO indicator_targets (indicator_id, year, value) VALUES (?, ?, ?)`, ind.ID, t.Year, t.Value); err != nil {
			return err
		}
	}
	return tx.refreshIndicatorSummaries(ctx, "i.id = ?", ind.ID)
}

// UpdateIndicator replaces indicator id of a draft plan with ind.
func (db *DB) UpdateIndicator(ctx context.Context, actor *aldyn.Actor, id int64, ind *aldyn.Indicator) error {
	return db.updateValid(ctx, actor, ind, func(tx *Tx) error {
		old, p, err := editablePart(ctx, tx, id, indicatorFinder.one, func(i *aldyn.Indicator) int64 { return i.PlanID })
		if err != nil {
			return err
		}
		ind.ID, ind.PlanID, ind.CreatedAt, ind.UpdatedAt = id, old.PlanID, old.CreatedAt, tx.now
		if _, err := tx.exec(ctx, `UPDATE indicators SET code = ?, sort_key = ?, name_ky = ?, name_ru = ?, name_en = ?, unit = ?, higher_is_better = ?,
			kind = ?, numerator = ?, denominator = ?, source = ?, offense_category = ?, disaggregation = ?, verification_ky = ?, verification_ru = ?,
			verification_en = ?, frequency = ?, baseline_value = ?, baseline_year = ?, search_text = ?, updated_at = ? WHERE id = ?`,
			ind.Code, codeKey(ind.Code), ind.Name.KY, ind.Name.RU, ind.Name.EN, ind.Unit, ind.HigherIsBetter,
			ind.Kind, ind.Numerator, ind.Denominator, ind.Source, ind.OffenseCategory, ind.Disaggregation, ind.Verification.KY, ind.Verification.RU,
			ind.Verification.EN, ind.Frequency, ind.BaselineValue, ind.BaselineYear, indicatorSearch(ind), tx.now, id); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `DELETE FROM indicator_targets WHERE indicator_id = ?`, id); err != nil {
			return err
		}
		if err := tx.insertTargets(ctx, ind); err != nil {
			return err
		}
		return tx.planContentChanged(ctx, p, aldyn.AuditUpdate, "indicator", idString(id), old, ind)
	})
}

// UpsertIndicatorValues stores observed values entered by a coordinator of
// the plan or computed from the offense registers, replacing those of the
// same indicator, period and territory. Values of accepted reports are
// stored by AcceptReport.
func (db *DB) UpsertIndicatorValues(ctx context.Context, actor *aldyn.Actor, values []aldyn.IndicatorValue) error {
	if len(values) == 0 {
		return nil
	}
	return db.Update(ctx, actor, func(tx *Tx) error {
		inds := map[int64]*aldyn.Indicator{}
		plans := map[int64]*aldyn.Plan{}
		var order []int64
		for k := range values {
			x := &values[k]
			ind := inds[x.IndicatorID]
			if ind == nil {
				var err error
				if ind, err = indicatorFinder.one(ctx, tx, x.IndicatorID); err != nil {
					if aldyn.ErrorCode(err) == aldyn.ENOTFOUND {
						return invalidField("indicator_id", "indicator.error.not_found")
					}
					return err
				}
				if plans[ind.PlanID] == nil {
					if plans[ind.PlanID], err = tx.managedPlan(ctx, ind.PlanID); err != nil {
						return err
					}
				}
				inds[ind.ID] = ind
				order = append(order, ind.ID)
			}
			if err := ind.ValidateValue(x); err != nil {
				return err
			}
		}
		for _, id := range order {
			var before, after []aldyn.IndicatorValue
			old := map[[2]string]aldyn.IndicatorValue{}
			if err := scanAll(ctx, tx, func(rows *sql.Rows) error {
				x := aldyn.IndicatorValue{IndicatorID: id}
				err := rows.Scan(&x.Period, &x.TerritoryCode, &x.Value)
				old[[2]string{x.Period, x.TerritoryCode}] = x
				return err
			}, `SELECT period, territory_code, value FROM indicator_values WHERE indicator_id = ?`, id); err != nil {
				return err
			}
			for _, x := range values {
				if x.IndicatorID != id {
					continue
				}
				if o, ok := old[[2]string{x.Period, x.TerritoryCode}]; ok {
					before = append(before, o)
				}
				after = append(after, x)
				if err := tx.upsertValue(ctx, x, 0); err != nil {
					return err
				}
			}
			if err := tx.refreshIndicatorSummaries(ctx, "i.id = ?", id); err != nil {
				return err
			}
			p := plans[inds[id].PlanID]
			if err := tx.Audit(ctx, aldyn.AuditUpdate, "indicator_values", idString(id), p.TerritoryCode, before, after); err != nil {
				return err
			}
		}
		return nil
	})
}

const valueUpsert = ` ON CONFLICT (indicator_id, period, territory_code) DO UPDATE SET value = excluded.value,
	report_id = excluded.report_id, updated_at = excluded.updated_at`

func (tx *Tx) upsertValue(ctx context.Context, x aldyn.IndicatorValue, reportID int64) error {
	_, err := tx.exec(ctx, `INSERT INTO indicator_values (indicator_id, period, territory_code, value, report_id, updated_at)
		VALUES (?, ?, ?, ?, ?, ?)`+valueUpsert, x.IndicatorID, x.Period, x.TerritoryCode, x.Value, nullID(reportID), tx.now)
	return err
}

// FindIndicatorValues lists the observed values of an indicator by period
// and territory.
func (db *DB) FindIndicatorValues(ctx context.Context, indicatorID int64) ([]aldyn.IndicatorValue, error) {
	var out []aldyn.IndicatorValue
	err := scanAll(ctx, db, func(rows *sql.Rows) error {
		x := aldyn.IndicatorValue{IndicatorID: indicatorID}
		err := rows.Scan(&x.Period, &x.TerritoryCode, &x.Value)
		out = append(out, x)
		return err
	}, `SELECT period, territory_code, value FROM indicator_values WHERE indicator_id = ? ORDER BY period, territory_code`, indicatorID)
	return out, err
}
