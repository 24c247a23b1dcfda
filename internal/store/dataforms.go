package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"

	"github.com/aldyn-kg/aldyn"
)

// This file stores the forms bodies submit for data sets, their values,
// and the roll-up of accepted values along the territory tree that the
// analysis reads. A body enters only its own forms; coordinators decide
// on forms of bodies within their territory.

const dataFormCols = `f.id, f.data_set_id, f.data_set_code, f.body_id, f.period, f.status, f.warnings, f.comment, f.version, f.revision,
	COALESCE(f.submitted_by, 0), f.submitted_at, f.first_submitted_at, COALESCE(f.decided_by, 0), f.decided_at, f.created_at, f.updated_at,
	b.territory_code, t.path`

const dataFormFrom = ` FROM data_forms f JOIN bodies b ON b.id = f.body_id JOIN territories t ON t.code = b.territory_code`

func scanDataForm(s interface{ Scan(...any) error }) (*aldyn.DataForm, error) {
	var f aldyn.DataForm
	var warnings string
	var sub, first, dec sql.NullTime
	if err := s.Scan(&f.ID, &f.DataSetID, &f.DataSetCode, &f.BodyID, &f.Period, strInto[aldyn.ReportStatus]{&f.Status}, &warnings, &f.Comment,
		&f.Version, &f.Revision, &f.SubmittedBy, &sub, &first, &f.DecidedBy, &dec, &f.CreatedAt, &f.UpdatedAt,
		&f.TerritoryCode, &f.TerritoryPath); err != nil {
		return nil, err
	}
	f.SubmittedAt, f.FirstSubmittedAt, f.DecidedAt = nullTime(sub), nullTime(first), nullTime(dec)
	f.CreatedAt, f.UpdatedAt = f.CreatedAt.UTC(), f.UpdatedAt.UTC()
	f.Values = []aldyn.DataValue{}
	return &f, json.Unmarshal([]byte(warnings), &f.Warnings)
}

// DataFormSorts are the columns a form list can be sorted by.
var DataFormSorts = map[string]string{"period": "f.period_start", "status": "f.status, f.period_start", "body": "f.body_id, f.period_start",
	"submitted_at": "f.submitted_at", "id": "f.id"}

var dataFormFinder = finder[*aldyn.DataForm, aldyn.DataFormFilter]{
	list: listQuery[*aldyn.DataForm]{cols: dataFormCols, from: dataFormFrom,
		sorts: DataFormSorts, order: "f.period_start", newest: "period", tie: ", f.id", scan: scanDataForm},
	filter: func(w *where, f aldyn.DataFormFilter) aldyn.Page {
		eq(w, "f.id", f.ID)
		eq(w, "f.data_set_code", f.DataSetCode)
		eq(w, "f.body_id", f.BodyID)
		eq(w, "f.period", f.Period)
		eqString(w, "f.status", f.Status)
		w.pathLike(f.Under, "t.path")
		return f.Page
	},
	idCol: "f.id", notFound: "datasets.error.form_not_found",
}

// FindDataForms lists forms matching f (without their values), newest
// period first by default, and the total count.
func (db *DB) FindDataForms(ctx context.Context, f aldyn.DataFormFilter) ([]*aldyn.DataForm, int, error) {
	return readList(ctx, db, f, dataFormFinder.find)
}

// FindDataFormByID returns one form with its values.
func (db *DB) FindDataFormByID(ctx context.Context, id int64) (*aldyn.DataForm, error) {
	return readOne(ctx, db, id, findDataFormByID)
}

func findDataFormByID(ctx context.Context, r reader, id int64) (*aldyn.DataForm, error) {
	f, err := dataFormFinder.one(ctx, r, id)
	if err != nil {
		return nil, err
	}
	err = scanAll(ctx, r, func(rows *sql.Rows) error {
		var v aldyn.DataValue
		var x sql.NullFloat64
		if err := rows.Scan(&v.Element, &v.Combo, &x, &v.Text); err != nil {
			return err
		}
		if x.Valid {
			n := x.Float64
			v.Value = &n
		}
		f.Values = append(f.Values, v)
		return nil
	}, `SELECT e.code, v.combo, v.value, v.text FROM data_values v JOIN data_elements e ON e.id = v.element_id WHERE v.form_id = ?
		ORDER BY e.code, v.combo`, id)
	return f, err
}

// FindDataForm returns the form of the data set with code for a body and
// period with its values, or nil when none has been started.
func (db *DB) FindDataForm(ctx context.Context, code string, bodyID int64, period string) (*aldyn.DataForm, error) {
	var f *aldyn.DataForm
	err := db.read(ctx, func(r reader) error {
		var err error
		f, err = findDataFormByKey(ctx, r, code, bodyID, period)
		return err
	})
	return f, err
}

func findDataFormByKey(ctx context.Context, r reader, code string, bodyID int64, period string) (*aldyn.DataForm, error) {
	var id int64
	err := r.queryRow(ctx, "SELECT id FROM data_forms WHERE data_set_code = ? AND body_id = ? AND period = ?", code, bodyID, period).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	return findDataFormByID(ctx, r, id)
}

// FormEntry is what a body types into a form: the cells' text by element
// code and combination key. Revision is the form's revision the entry was
// made from (0 for a new form); an entry made from an older one is refused.
type FormEntry struct {
	DataSetCode string
	BodyID      int64
	Period      string
	Cells       map[string]map[string]string
	Revision    int
}

// CellsError is the error of an entry with bad cells: EINVALID with a
// field "cell:<element>:<combo>" per bad cell.
func CellsError(bad []aldyn.CellError) error {
	v := aldyn.Validation{}
	for _, c := range bad {
		v.Add("cell:"+c.Element+":"+c.Combo, c.Key)
	}
	e := v.Err().(*aldyn.Error)
	e.Message = "datasets.error.cells"
	return e
}

// EnterDataForm saves a body's entry into its form for a data set and
// period, creating the form with the data set's active version when none
// exists; with submit it also submits it. Nothing is saved when a cell is
// bad or, on submission, a hard rule is broken.
func (db *DB) EnterDataForm(ctx context.Context, actor *aldyn.Actor, in FormEntry, submit bool) (*aldyn.DataForm, error) {
	period, err := aldyn.ParsePeriod(in.Period)
	if err != nil {
		return nil, err
	}
	var f *aldyn.DataForm
	err = db.Update(ctx, actor, func(tx *Tx) error {
		body, err := tx.body(ctx, in.BodyID)
		if err != nil {
			return err
		}
		if !actor.CanSubmitReport(body.ID) {
			return aldyn.Errorf(aldyn.EFORBIDDEN, "datasets.error.entry_forbidden")
		}
		if f, err = findDataFormByKey(ctx, tx, in.DataSetCode, in.BodyID, period.String()); err != nil {
			return err
		}
		var s *aldyn.DataSet
		var before *aldyn.DataForm
		if f == nil {
			ss, _, err := dataSetFinder.find(ctx, tx, aldyn.DataSetFilter{Code: &in.DataSetCode, Status: ptr(aldyn.DataSetActive), Page: aldyn.Page{Limit: 1}})
			if s, err = firstFound(ss, err, "datasets.error.not_found"); err != nil {
				return err
			}
			if !s.Reports(body.Type, body.Territory.Level) {
				return aldyn.Errorf(aldyn.EFORBIDDEN, "datasets.error.body_not_reporting")
			}
			if err := s.CheckPeriod(period, tx.now); err != nil {
				return err
			}
			f = &aldyn.DataForm{DataSetID: s.ID, DataSetCode: s.Code, BodyID: body.ID, Period: period.String(), Status: aldyn.ReportDraft,
				TerritoryCode: body.TerritoryCode, TerritoryPath: body.Territory.Path}
		} else {
			if s, err = dataSetFinder.one(ctx, tx, f.DataSetID); err != nil {
				return err
			}
			if err := f.CheckEntry(actor); err != nil {
				return err
			}
			if in.Revision != f.Revision {
				return aldyn.Errorf(aldyn.ECONFLICT, "datasets.error.stale")
			}
			if f.Status == aldyn.ReportDraft {
				if err := s.CheckPeriod(period, tx.now); err != nil {
					return err
				}
			}
			c := *f
			before = &c
		}
		if bad := f.SetValues(s, in.Cells); len(bad) > 0 {
			return CellsError(bad)
		}
		if !submit && before != nil && sameValues(before.Values, f.Values) {
			// Saving (or importing) what is already there changes nothing.
			return nil
		}
		if submit {
			rules, _, err := findValidationRules(ctx, tx, aldyn.ValidationRuleFilter{DataSetCode: &s.Code})
			if err != nil {
				return err
			}
			if err := f.Submit(actor, s, rules, tx.now); err != nil {
				return err
			}
		}
		return tx.writeDataForm(ctx, s, f, before)
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}

func ptr[T any](v T) *T { return &v }

// sameValues reports whether two forms hold the same cells, in any order.
func sameValues(a, b []aldyn.DataValue) bool {
	if len(a) != len(b) {
		return false
	}
	type key struct{ element, combo string }
	m := make(map[key]aldyn.DataValue, len(a))
	for _, v := range a {
		m[key{v.Element, v.Combo}] = v
	}
	for _, v := range b {
		w, ok := m[key{v.Element, v.Combo}]
		if !ok || w.Text != v.Text || (w.Value == nil) != (v.Value == nil) || (w.Value != nil && *w.Value != *v.Value) {
			return false
		}
	}
	return true
}

// writeDataForm inserts or updates the form and replaces its values.
func (tx *Tx) writeDataForm(ctx context.Context, s *aldyn.DataSet, f *aldyn.DataForm, before *aldyn.DataForm) error {
	p, _ := aldyn.ParsePeriod(f.Period)
	if f.Warnings == nil {
		f.Warnings = []aldyn.RuleResult{}
	}
	f.UpdatedAt = tx.now
	if f.ID == 0 {
		f.CreatedAt, f.Revision = tx.now, 1
		if err := tx.queryRow(ctx, `INSERT INTO data_forms (data_set_id, data_set_code, body_id, period, period_start, status, warnings, comment,
			version, revision, submitted_by, submitted_at, first_submitted_at, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			f.DataSetID, f.DataSetCode, f.BodyID, f.Period, periodStart(p), string(f.Status), jsonText(f.Warnings), f.Comment,
			f.Version, f.Revision, nullID(f.SubmittedBy), f.SubmittedAt, f.FirstSubmittedAt, tx.now, tx.now).Scan(&f.ID); err != nil {
			return tx.db.normalize(err)
		}
	} else {
		f.Revision++
		if _, err := tx.exec(ctx, `UPDATE data_forms SET status = ?, warnings = ?, comment = ?, version = ?, revision = ?, submitted_by = ?,
			submitted_at = ?, first_submitted_at = ?, decided_by = ?, decided_at = ?, updated_at = ? WHERE id = ?`,
			string(f.Status), jsonText(f.Warnings), f.Comment, f.Version, f.Revision, nullID(f.SubmittedBy), f.SubmittedAt, f.FirstSubmittedAt,
			nullID(f.DecidedBy), f.DecidedAt, tx.now, f.ID); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, "DELETE FROM data_values WHERE form_id = ?", f.ID); err != nil {
			return err
		}
	}
	ids := map[string]int64{}
	for _, e := range s.Elements {
		ids[e.Code] = e.ID
	}
	// Rows go in batches: a form may hold thousands of cells.
	const batch = 400
	for start := 0; start < len(f.Values); start += batch {
		part := f.Values[start:min(start+batch, len(f.Values))]
		args := make([]any, 0, 5*len(part))
		for _, v := range part {
			args = append(args, f.ID, ids[v.Element], v.Combo, v.Value, v.Text)
		}
		if _, err := tx.exec(ctx, "INSERT INTO data_values (form_id, element_id, combo, value, text) VALUES "+
			strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?), ", len(part)), ", "), args...); err != nil {
			return err
		}
	}
	action := aldyn.AuditUpdate
	if before == nil {
		action = aldyn.AuditCreate
	}
	var old any
	if before != nil {
		old = before
	}
	return tx.Audit(ctx, action, "data_form", idString(f.ID), f.TerritoryCode, old, f)
}

// DecideDataForm accepts or returns a submitted form. An accepted form's
// numeric values are added to the roll-up of its body's territory and of
// every territory above it.
func (db *DB) DecideDataForm(ctx context.Context, actor *aldyn.Actor, id int64, accept bool, comment string) (*aldyn.DataForm, error) {
	var f *aldyn.DataForm
	err := db.Update(ctx, actor, func(tx *Tx) (err error) {
		if f, err = findDataFormByID(ctx, tx, id); err != nil {
			return err
		}
		if !actor.CanReviewDataForm(f.TerritoryPath) {
			return aldyn.Errorf(aldyn.EFORBIDDEN, "error.forbidden")
		}
		before := *f
		if accept {
			err = f.Accept(actor, comment, tx.now)
		} else {
			err = f.Return(actor, comment, tx.now)
		}
		if err != nil {
			return err
		}
		f.Revision++
		if _, err := tx.exec(ctx, `UPDATE data_forms SET status = ?, comment = ?, revision = ?, decided_by = ?, decided_at = ?, updated_at = ? WHERE id = ?`,
			string(f.Status), f.Comment, f.Revision, nullID(f.DecidedBy), f.DecidedAt, tx.now, id); err != nil {
			return err
		}
		if accept {
			if err := tx.rollUp(ctx, f); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, aldyn.AuditUpdate, "data_form", idString(id), f.TerritoryCode, &before, f)
	})
	return f, err
}

// rollUp adds the form's numeric values to data_rollup for the body's
// territory and each of its ancestors.
func (tx *Tx) rollUp(ctx context.Context, f *aldyn.DataForm) error {
	codes := strings.Split(strings.Trim(f.TerritoryPath, "/"), "/")
	_, err := tx.exec(ctx, `INSERT INTO data_rollup (element_id, combo, territory_code, period, value, reports)
		SELECT v.element_id, v.combo, t.code, f.period, v.value, 1
		FROM data_values v JOIN data_forms f ON f.id = v.form_id JOIN territories t ON t.code IN (`+placeholders(len(codes))+`)
		WHERE v.form_id = ? AND v.value IS NOT NULL
		ON CONFLICT (element_id, territory_code, period, combo) DO UPDATE SET value = data_rollup.value + excluded.value,
			reports = data_rollup.reports + 1`, append(stringArgs(codes), f.ID)...)
	return err
}

func stringArgs(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
