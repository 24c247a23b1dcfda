package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"github.com/aldyn-kg/aldyn"
)

// This file stores the design of reported figures: disaggregations, data
// elements, data sets (one row per version) and validation rules. Only
// national administrators change them (aldyn.Actor.CanDesignDataSets);
// every signed-in user and the public read them.

// design validates v (when given) and runs fn in a transaction of an
// actor who may design data sets.
func (db *DB) design(ctx context.Context, actor *aldyn.Actor, v interface{ Validate() error }, fn func(*Tx) error) error {
	if v != nil {
		if err := v.Validate(); err != nil {
			return err
		}
	}
	return db.Update(ctx, actor, func(tx *Tx) error {
		if !tx.actor.CanDesignDataSets() {
			return aldyn.Errorf(aldyn.EFORBIDDEN, "error.forbidden")
		}
		return fn(tx)
	})
}

// Disaggregations.

const disaggregationCols = `d.id, d.code, d.name_ky, d.name_ru, d.name_en, d.categories, d.created_at, d.updated_at`

func scanDisaggregation(s interface{ Scan(...any) error }) (*aldyn.Disaggregation, error) {
	var d aldyn.Disaggregation
	var cats string
	if err := s.Scan(&d.ID, &d.Code, &d.Name.KY, &d.Name.RU, &d.Name.EN, &cats, &d.CreatedAt, &d.UpdatedAt); err != nil {
		return nil, err
	}
	d.CreatedAt, d.UpdatedAt = d.CreatedAt.UTC(), d.UpdatedAt.UTC()
	return &d, json.Unmarshal([]byte(cats), &d.Categories)
}

// FindDisaggregations lists every disaggregation by code.
func (db *DB) FindDisaggregations(ctx context.Context) ([]*aldyn.Disaggregation, error) {
	var out []*aldyn.Disaggregation
	err := db.read(ctx, func(r reader) (err error) {
		out, err = scanList(ctx, r, scanDisaggregation, "SELECT "+disaggregationCols+" FROM disaggregations d ORDER BY d.code")
		return err
	})
	return out, db.normalize(err)
}

// CreateDisaggregation validates and inserts a disaggregation.
func (db *DB) CreateDisaggregation(ctx context.Context, actor *aldyn.Actor, d *aldyn.Disaggregation) error {
	return db.design(ctx, actor, d, func(tx *Tx) error {
		d.CreatedAt, d.UpdatedAt = tx.now, tx.now
		if err := tx.queryRow(ctx, `INSERT INTO disaggregations (code, name_ky, name_ru, name_en, categories, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, d.Code, d.Name.KY, d.Name.RU, d.Name.EN, jsonText(d.Categories), tx.now, tx.now).Scan(&d.ID); err != nil {
			return codeTaken(tx.db.normalize(err))
		}
		return tx.Audit(ctx, aldyn.AuditCreate, "disaggregation", idString(d.ID), "", nil, d)
	})
}

// FindDisaggregationByID returns one disaggregation.
func (db *DB) FindDisaggregationByID(ctx context.Context, id int64) (*aldyn.Disaggregation, error) {
	var d *aldyn.Disaggregation
	err := db.read(ctx, func(r reader) (err error) {
		d, err = scanDisaggregation(r.queryRow(ctx, "SELECT "+disaggregationCols+" FROM disaggregations d WHERE d.id = ?", id))
		return err
	})
	return d, db.notFound(err, "datasets.error.disaggregation_not_found")
}

// disaggregationsInUse selects the disaggregations of elements that are
// part of a data set version in use (active or retired) or have values:
// their cells are what bodies report, so they no longer change.
const disaggregationsInUse = `SELECT DISTINCT e.disaggregation_id FROM data_elements e WHERE e.disaggregation_id IS NOT NULL AND (
	EXISTS (SELECT 1 FROM data_set_elements se JOIN data_sets s ON s.id = se.data_set_id WHERE se.element_id = e.id AND s.status <> 'draft')
	OR EXISTS (SELECT 1 FROM data_values v WHERE v.element_id = e.id))`

// DisaggregationsInUse returns the ids of the disaggregations in use.
func (db *DB) DisaggregationsInUse(ctx context.Context) (map[int64]bool, error) {
	out := map[int64]bool{}
	err := db.read(ctx, func(r reader) error {
		return scanAll(ctx, r, func(rows *sql.Rows) error {
			var id int64
			err := rows.Scan(&id)
			out[id] = true
			return err
		}, disaggregationsInUse)
	})
	return out, db.normalize(err)
}

// UpdateDisaggregation replaces the disaggregation of id with d. One in
// use is refused (ECONFLICT): a new disaggregation is made instead and
// chosen in the element of a new data set version, as a data set in use
// changes only by a new version.
func (db *DB) UpdateDisaggregation(ctx context.Context, actor *aldyn.Actor, id int64, d *aldyn.Disaggregation) error {
	return db.design(ctx, actor, d, func(tx *Tx) error {
		old, err := scanDisaggregation(tx.queryRow(ctx, "SELECT "+disaggregationCols+" FROM disaggregations d WHERE d.id = ?", id))
		if err != nil {
			return tx.db.notFound(err, "datasets.error.disaggregation_not_found")
		}
		var n int
		if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM ("+disaggregationsInUse+") u WHERE u.disaggregation_id = ?", id).Scan(&n); err != nil {
			return tx.db.normalize(err)
		}
		if n > 0 {
			return aldyn.Errorf(aldyn.ECONFLICT, "datasets.error.disaggregation_in_use")
		}
		d.ID, d.CreatedAt, d.UpdatedAt = id, old.CreatedAt, tx.now
		if _, err := tx.exec(ctx, `UPDATE disaggregations SET code = ?, name_ky = ?, name_ru = ?, name_en = ?, categories = ?, updated_at = ? WHERE id = ?`,
			d.Code, d.Name.KY, d.Name.RU, d.Name.EN, jsonText(d.Categories), tx.now, id); err != nil {
			return codeTaken(err)
		}
		return tx.Audit(ctx, aldyn.AuditUpdate, "disaggregation", idString(id), "", old, d)
	})
}

// codeTaken turns a unique violation into the field error of a code.
func codeTaken(err error) error {
	if aldyn.ErrorCode(err) == aldyn.ECONFLICT {
		return invalidField("code", "datasets.error.code_taken")
	}
	return err
}

// Data elements.

const elementCols = `e.id, e.code, e.name_ky, e.name_ru, e.name_en, e.description_ky, e.description_ru, e.description_en, e.value_type,
	e.unit_ky, e.unit_ru, e.unit_en, e.aggregation, COALESCE(e.disaggregation_id, 0), e.created_at, e.updated_at`

func scanElement(s interface{ Scan(...any) error }) (*aldyn.DataElement, error) {
	var e aldyn.DataElement
	if err := s.Scan(&e.ID, &e.Code, &e.Name.KY, &e.Name.RU, &e.Name.EN, &e.Description.KY, &e.Description.RU, &e.Description.EN, &e.ValueType,
		&e.Unit.KY, &e.Unit.RU, &e.Unit.EN, &e.Aggregation, &e.DisaggregationID, &e.CreatedAt, &e.UpdatedAt); err != nil {
		return nil, err
	}
	e.CreatedAt, e.UpdatedAt = e.CreatedAt.UTC(), e.UpdatedAt.UTC()
	return &e, nil
}

// DataElementSorts are the columns a data element list can be sorted by.
var DataElementSorts = map[string]string{"code": "e.code", "name_ky": "e.name_ky", "name_ru": "e.name_ru", "name_en": "e.name_en", "id": "e.id"}

var dataElementList = listQuery[*aldyn.DataElement]{cols: elementCols, from: " FROM data_elements e",
	sorts: DataElementSorts, order: "e.code", tie: ", e.id", scan: scanElement}

// FindDataElements lists data elements matching f with their
// disaggregations, and the total count.
func (db *DB) FindDataElements(ctx context.Context, f aldyn.DataElementFilter) ([]*aldyn.DataElement, int, error) {
	if err := aldyn.CheckSearch(f.Q); err != nil {
		return nil, 0, err
	}
	return readList(ctx, db, f, findDataElements)
}

func findDataElements(ctx context.Context, r reader, f aldyn.DataElementFilter) ([]*aldyn.DataElement, int, error) {
	var w where
	eq(&w, "e.id", f.ID)
	eq(&w, "e.code", f.Code)
	if f.Codes != nil {
		if len(f.Codes) == 0 {
			w.and("1=0")
		}
		w.in("e.code", f.Codes)
	}
	if f.Q != "" {
		w.search(f.Q, "LOWER(e.code || ' ' || e.name_ky || ' ' || e.name_ru || ' ' || e.name_en)")
	}
	out, total, err := dataElementList.page(ctx, r, &w, f.Page)
	if err != nil {
		return nil, 0, err
	}
	return out, total, attachDisaggregations(ctx, r, out)
}

// attachDisaggregations fills the Disaggregation of each element.
func attachDisaggregations(ctx context.Context, r reader, es []*aldyn.DataElement) error {
	byID := map[int64]*aldyn.Disaggregation{}
	for _, e := range es {
		if e.DisaggregationID != 0 {
			byID[e.DisaggregationID] = nil
		}
	}
	if len(byID) == 0 {
		return nil
	}
	ids := make([]int64, 0, len(byID))
	for id := range byID {
		ids = append(ids, id)
	}
	in, args := idList(ids)
	err := scanAll(ctx, r, func(rows *sql.Rows) error {
		d, err := scanDisaggregation(rows)
		if err == nil {
			byID[d.ID] = d
		}
		return err
	}, "SELECT "+disaggregationCols+" FROM disaggregations d WHERE d.id IN ("+in+")", args...)
	for _, e := range es {
		if e.DisaggregationID != 0 {
			e.Disaggregation = byID[e.DisaggregationID]
		}
	}
	return err
}

// FindDataElementByID returns one data element.
func (db *DB) FindDataElementByID(ctx context.Context, id int64) (*aldyn.DataElement, error) {
	es, _, err := db.FindDataElements(ctx, aldyn.DataElementFilter{ID: &id, Page: aldyn.Page{Limit: 1}})
	return firstFound(es, err, "datasets.error.element_not_found")
}

func (tx *Tx) checkDisaggregation(ctx context.Context, id int64) error {
	if id == 0 {
		return nil
	}
	var n int
	if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM disaggregations WHERE id = ?", id).Scan(&n); err != nil {
		return tx.db.normalize(err)
	}
	if n == 0 {
		return invalidField("disaggregation_id", "datasets.error.disaggregation_not_found")
	}
	return nil
}

// CreateDataElement validates and inserts a data element.
func (db *DB) CreateDataElement(ctx context.Context, actor *aldyn.Actor, e *aldyn.DataElement) error {
	return db.design(ctx, actor, e, func(tx *Tx) error {
		if err := tx.checkDisaggregation(ctx, e.DisaggregationID); err != nil {
			return err
		}
		e.CreatedAt, e.UpdatedAt = tx.now, tx.now
		if err := tx.queryRow(ctx, `INSERT INTO data_elements (code, name_ky, name_ru, name_en, description_ky, description_ru, description_en,
			value_type, unit_ky, unit_ru, unit_en, aggregation, disaggregation_id, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			e.Code, e.Name.KY, e.Name.RU, e.Name.EN, e.Description.KY, e.Description.RU, e.Description.EN,
			e.ValueType, e.Unit.KY, e.Unit.RU, e.Unit.EN, e.Aggregation, nullID(e.DisaggregationID), tx.now, tx.now).Scan(&e.ID); err != nil {
			return codeTaken(tx.db.normalize(err))
		}
		return tx.Audit(ctx, aldyn.AuditCreate, "data_element", idString(e.ID), "", nil, e)
	})
}

// UpdateDataElement replaces the names, description and unit of element
// id. Its code, value type, aggregation and disaggregation are what
// reported values mean: they change only while nothing has been reported.
func (db *DB) UpdateDataElement(ctx context.Context, actor *aldyn.Actor, id int64, e *aldyn.DataElement) error {
	return db.design(ctx, actor, e, func(tx *Tx) error {
		old, err := scanElement(tx.queryRow(ctx, "SELECT "+elementCols+" FROM data_elements e WHERE e.id = ?", id))
		if err != nil {
			return tx.db.notFound(err, "datasets.error.element_not_found")
		}
		if old.Code != e.Code || old.ValueType != e.ValueType || old.Aggregation != e.Aggregation || old.DisaggregationID != e.DisaggregationID {
			var n int
			if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM data_values WHERE element_id = ?", id).Scan(&n); err != nil {
				return tx.db.normalize(err)
			}
			if n > 0 {
				return aldyn.Errorf(aldyn.ECONFLICT, "datasets.error.element_in_use")
			}
		}
		if err := tx.checkDisaggregation(ctx, e.DisaggregationID); err != nil {
			return err
		}
		e.ID, e.CreatedAt, e.UpdatedAt = id, old.CreatedAt, tx.now
		if _, err := tx.exec(ctx, `UPDATE data_elements SET code = ?, name_ky = ?, name_ru = ?, name_en = ?, description_ky = ?, description_ru = ?,
			description_en = ?, value_type = ?, unit_ky = ?, unit_ru = ?, unit_en = ?, aggregation = ?, disaggregation_id = ?, updated_at = ? WHERE id = ?`,
			e.Code, e.Name.KY, e.Name.RU, e.Name.EN, e.Description.KY, e.Description.RU, e.Description.EN, e.ValueType,
			e.Unit.KY, e.Unit.RU, e.Unit.EN, e.Aggregation, nullID(e.DisaggregationID), tx.now, id); err != nil {
			return codeTaken(err)
		}
		return tx.Audit(ctx, aldyn.AuditUpdate, "data_element", idString(id), "", old, e)
	})
}

// Data sets.

const dataSetCols = `s.id, s.code, s.version, s.name_ky, s.name_ru, s.name_en, s.description_ky, s.description_ru, s.description_en,
	s.period_type, s.body_types, s.level, s.open_days, s.deadline_days, s.close_days, s.sensitive, s.status, s.created_at, s.updated_at`

func scanDataSet(s interface{ Scan(...any) error }) (*aldyn.DataSet, error) {
	var d aldyn.DataSet
	var types string
	if err := s.Scan(&d.ID, &d.Code, &d.Version, &d.Name.KY, &d.Name.RU, &d.Name.EN, &d.Description.KY, &d.Description.RU, &d.Description.EN,
		&d.PeriodType, &types, &d.Level, &d.OpenDays, &d.DeadlineDays, &d.CloseDays, boolInto{&d.Sensitive}, &d.Status, &d.CreatedAt, &d.UpdatedAt); err != nil {
		return nil, err
	}
	d.CreatedAt, d.UpdatedAt = d.CreatedAt.UTC(), d.UpdatedAt.UTC()
	return &d, json.Unmarshal([]byte(types), &d.BodyTypes)
}

// DataSetSorts are the columns a data set list can be sorted by.
var DataSetSorts = map[string]string{"code": "s.code, s.version", "name_ky": "s.name_ky", "name_ru": "s.name_ru", "name_en": "s.name_en",
	"status": "s.status, s.code", "id": "s.id"}

var dataSetFinder = finder[*aldyn.DataSet, aldyn.DataSetFilter]{
	list: listQuery[*aldyn.DataSet]{cols: dataSetCols, from: " FROM data_sets s",
		sorts: DataSetSorts, order: "s.code, s.version", tie: ", s.id", scan: scanDataSet, load: attachElements},
	filter: func(w *where, f aldyn.DataSetFilter) aldyn.Page {
		eq(w, "s.id", f.ID)
		eq(w, "s.code", f.Code)
		eq(w, "s.status", f.Status)
		if f.Latest {
			w.and("s.version = (SELECT MAX(x.version) FROM data_sets x WHERE x.code = s.code)")
		}
		return f.Page
	},
	idCol: "s.id", notFound: "datasets.error.not_found",
}

// FindDataSets lists data sets matching f with their elements, and the
// total count.
func (db *DB) FindDataSets(ctx context.Context, f aldyn.DataSetFilter) ([]*aldyn.DataSet, int, error) {
	return readList(ctx, db, f, dataSetFinder.find)
}

// attachElements fills the ElementIDs and Elements of each data set.
func attachElements(ctx context.Context, r reader, sets []*aldyn.DataSet) error {
	byID := map[int64]*aldyn.DataSet{}
	for _, s := range sets {
		byID[s.ID], s.ElementIDs, s.Elements = s, []int64{}, nil
	}
	in, args := idList(idsOf(sets, func(s *aldyn.DataSet) int64 { return s.ID }))
	var elems []*aldyn.DataElement
	err := scanAll(ctx, r, func(rows *sql.Rows) error {
		var sid int64
		var e aldyn.DataElement
		if err := rows.Scan(&sid, &e.ID, &e.Code, &e.Name.KY, &e.Name.RU, &e.Name.EN, &e.Description.KY, &e.Description.RU, &e.Description.EN,
			&e.ValueType, &e.Unit.KY, &e.Unit.RU, &e.Unit.EN, &e.Aggregation, &e.DisaggregationID, &e.CreatedAt, &e.UpdatedAt); err != nil {
			return err
		}
		s := byID[sid]
		s.ElementIDs = append(s.ElementIDs, e.ID)
		s.Elements = append(s.Elements, &e)
		elems = append(elems, &e)
		return nil
	}, "SELECT se.data_set_id, "+elementCols+" FROM data_set_elements se JOIN data_elements e ON e.id = se.element_id WHERE se.data_set_id IN ("+in+
		") ORDER BY se.data_set_id, se.position", args...)
	if err != nil {
		return err
	}
	return attachDisaggregations(ctx, r, elems)
}

// FindDataSetByID returns one data set version with its elements.
func (db *DB) FindDataSetByID(ctx context.Context, id int64) (*aldyn.DataSet, error) {
	return readOne(ctx, db, id, dataSetFinder.one)
}

// FindActiveDataSet returns the active version of the data set with code.
func (db *DB) FindActiveDataSet(ctx context.Context, code string) (*aldyn.DataSet, error) {
	active := aldyn.DataSetActive
	ss, _, err := db.FindDataSets(ctx, aldyn.DataSetFilter{Code: &code, Status: &active, Page: aldyn.Page{Limit: 1}})
	return firstFound(ss, err, "datasets.error.not_found")
}

// checkElements checks the data set's elements exist.
func (tx *Tx) checkElements(ctx context.Context, s *aldyn.DataSet) error {
	in, args := idList(s.ElementIDs)
	var n int
	if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM data_elements WHERE id IN ("+in+")", args...).Scan(&n); err != nil {
		return tx.db.normalize(err)
	}
	if n != len(s.ElementIDs) {
		return invalidField("element_ids", "datasets.error.element_not_found")
	}
	return nil
}

func (tx *Tx) setDataSetElements(ctx context.Context, s *aldyn.DataSet) error {
	return tx.replaceChildren(ctx, "data_set_elements", "data_set_id", s.ID, []string{"element_id", "position"}, len(s.ElementIDs),
		func(i int) []any { return []any{s.ElementIDs[i], i + 1} })
}

// auditDataSet is the audited view of a data set (without its elements'
// definitions).
func auditDataSet(s *aldyn.DataSet) *aldyn.DataSet {
	c := *s
	c.Elements = nil
	return &c
}

// CreateDataSet inserts the first version of a data set, as a draft.
func (db *DB) CreateDataSet(ctx context.Context, actor *aldyn.Actor, s *aldyn.DataSet) error {
	s.Status, s.Version = aldyn.DataSetDraft, 1
	return db.design(ctx, actor, s, func(tx *Tx) error {
		return tx.insertDataSet(ctx, s)
	})
}

func (tx *Tx) insertDataSet(ctx context.Context, s *aldyn.DataSet) error {
	if err := tx.checkElements(ctx, s); err != nil {
		return err
	}
	s.CreatedAt, s.UpdatedAt = tx.now, tx.now
	if err := tx.queryRow(ctx, `INSERT INTO data_sets (code, version, name_ky, name_ru, name_en, description_ky, description_ru, description_en,
		period_type, body_types, level, open_days, deadline_days, close_days, sensitive, status, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		s.Code, s.Version, s.Name.KY, s.Name.RU, s.Name.EN, s.Description.KY, s.Description.RU, s.Description.EN,
		s.PeriodType, jsonText(s.BodyTypes), s.Level, s.OpenDays, s.DeadlineDays, s.CloseDays, s.Sensitive, s.Status, tx.now, tx.now).Scan(&s.ID); err != nil {
		return codeTaken(tx.db.normalize(err))
	}
	if err := tx.setDataSetElements(ctx, s); err != nil {
		return err
	}
	return tx.Audit(ctx, aldyn.AuditCreate, "data_set", idString(s.ID), "", nil, auditDataSet(s))
}

// UpdateDataSet replaces the fields of a draft data set version. An active
// or retired version is never changed: NewDataSetVersion makes the draft
// of its successor.
func (db *DB) UpdateDataSet(ctx context.Context, actor *aldyn.Actor, id int64, s *aldyn.DataSet) error {
	return db.design(ctx, actor, nil, func(tx *Tx) error {
		old, err := dataSetFinder.one(ctx, tx, id)
		if err != nil {
			return err
		}
		if old.Status != aldyn.DataSetDraft {
			return aldyn.Errorf(aldyn.ECONFLICT, "datasets.error.not_draft")
		}
		s.ID, s.Code, s.Version, s.Status, s.CreatedAt = id, old.Code, old.Version, aldyn.DataSetDraft, old.CreatedAt
		if err := s.Validate(); err != nil {
			return err
		}
		if err := tx.checkElements(ctx, s); err != nil {
			return err
		}
		s.UpdatedAt = tx.now
		if _, err := tx.exec(ctx, `UPDATE data_sets SET name_ky = ?, name_ru = ?, name_en = ?, description_ky = ?, description_ru = ?, description_en = ?,
			period_type = ?, body_types = ?, level = ?, open_days = ?, deadline_days = ?, close_days = ?, sensitive = ?, updated_at = ? WHERE id = ?`,
			s.Name.KY, s.Name.RU, s.Name.EN, s.Description.KY, s.Description.RU, s.Description.EN, s.PeriodType, jsonText(s.BodyTypes), s.Level,
			s.OpenDays, s.DeadlineDays, s.CloseDays, s.Sensitive, tx.now, id); err != nil {
			return err
		}
		if err := tx.setDataSetElements(ctx, s); err != nil {
			return err
		}
		return tx.Audit(ctx, aldyn.AuditUpdate, "data_set", idString(id), "", auditDataSet(old), auditDataSet(s))
	})
}

// ActivateDataSet makes a draft version the one bodies report, retiring
// the version active before it; forms entered with that one keep it.
func (db *DB) ActivateDataSet(ctx context.Context, actor *aldyn.Actor, id int64) (*aldyn.DataSet, error) {
	var s *aldyn.DataSet
	err := db.design(ctx, actor, nil, func(tx *Tx) (err error) {
		if s, err = dataSetFinder.one(ctx, tx, id); err != nil {
			return err
		}
		if s.Status != aldyn.DataSetDraft {
			return aldyn.Errorf(aldyn.ECONFLICT, "datasets.error.not_draft")
		}
		if _, err := tx.exec(ctx, "UPDATE data_sets SET status = ?, updated_at = ? WHERE code = ? AND status = ?",
			aldyn.DataSetRetired, tx.now, s.Code, aldyn.DataSetActive); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, "UPDATE data_sets SET status = ?, updated_at = ? WHERE id = ?", aldyn.DataSetActive, tx.now, id); err != nil {
			return err
		}
		before := auditDataSet(s)
		s.Status, s.UpdatedAt = aldyn.DataSetActive, tx.now
		return tx.Audit(ctx, aldyn.AuditUpdate, "data_set", idString(id), "", before, auditDataSet(s))
	})
	return s, err
}

// NewDataSetVersion copies the newest version of the data set with code
// into a new draft version, which UpdateDataSet then changes.
func (db *DB) NewDataSetVersion(ctx context.Context, actor *aldyn.Actor, code string) (*aldyn.DataSet, error) {
	var s *aldyn.DataSet
	err := db.design(ctx, actor, nil, func(tx *Tx) error {
		ss, _, err := dataSetFinder.find(ctx, tx, aldyn.DataSetFilter{Code: &code, Latest: true, Page: aldyn.Page{Limit: 1}})
		if s, err = firstFound(ss, err, "datasets.error.not_found"); err != nil {
			return err
		}
		if s.Status == aldyn.DataSetDraft {
			return aldyn.Errorf(aldyn.ECONFLICT, "datasets.error.draft_exists")
		}
		s.ID, s.Version, s.Status, s.Elements = 0, s.Version+1, aldyn.DataSetDraft, nil
		return tx.insertDataSet(ctx, s)
	})
	return s, err
}

// Validation rules.

const ruleCols = `r.id, r.data_set_code, r.code, r.expression, r.severity, r.message_ky, r.message_ru, r.message_en, r.created_at, r.updated_at`

func scanRule(s interface{ Scan(...any) error }) (*aldyn.ValidationRule, error) {
	var r aldyn.ValidationRule
	if err := s.Scan(&r.ID, &r.DataSetCode, &r.Code, &r.Expression, &r.Severity, &r.Message.KY, &r.Message.RU, &r.Message.EN, &r.CreatedAt, &r.UpdatedAt); err != nil {
		return nil, err
	}
	r.CreatedAt, r.UpdatedAt = r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	return &r, nil
}

// FindValidationRules lists validation rules matching f, by data set and
// code, and the total count.
func (db *DB) FindValidationRules(ctx context.Context, f aldyn.ValidationRuleFilter) ([]*aldyn.ValidationRule, int, error) {
	return readList(ctx, db, f, findValidationRules)
}

func findValidationRules(ctx context.Context, r reader, f aldyn.ValidationRuleFilter) ([]*aldyn.ValidationRule, int, error) {
	var w where
	eq(&w, "r.id", f.ID)
	eq(&w, "r.data_set_code", f.DataSetCode)
	p := f.Page
	if p.Limit == 0 {
		p.Limit = aldyn.MaxLimit
	}
	return findPage(ctx, r, ruleCols, " FROM validation_rules r", w.String(), w.args, " ORDER BY r.data_set_code, r.code", nil, p, scanRule)
}

// checkRule checks the rule names elements of the newest version of its
// data set.
func (tx *Tx) checkRule(ctx context.Context, r *aldyn.ValidationRule) error {
	ss, _, err := dataSetFinder.find(ctx, tx, aldyn.DataSetFilter{Code: &r.DataSetCode, Latest: true, Page: aldyn.Page{Limit: 1}})
	if err != nil {
		return err
	}
	if len(ss) == 0 {
		return invalidField("data_set_code", "datasets.error.not_found")
	}
	return r.CheckRefs(ss[0])
}

// CreateValidationRule validates and inserts a rule.
func (db *DB) CreateValidationRule(ctx context.Context, actor *aldyn.Actor, r *aldyn.ValidationRule) error {
	return db.design(ctx, actor, r, func(tx *Tx) error {
		if err := tx.checkRule(ctx, r); err != nil {
			return err
		}
		r.CreatedAt, r.UpdatedAt = tx.now, tx.now
		if err := tx.queryRow(ctx, `INSERT INTO validation_rules (data_set_code, code, expression, severity, message_ky, message_ru, message_en,
			created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, r.DataSetCode, r.Code, r.Expression, r.Severity,
			r.Message.KY, r.Message.RU, r.Message.EN, tx.now, tx.now).Scan(&r.ID); err != nil {
			return codeTaken(tx.db.normalize(err))
		}
		return tx.Audit(ctx, aldyn.AuditCreate, "validation_rule", idString(r.ID), "", nil, r)
	})
}

// UpdateValidationRule replaces rule id; it applies to forms submitted
// from then on.
func (db *DB) UpdateValidationRule(ctx context.Context, actor *aldyn.Actor, id int64, r *aldyn.ValidationRule) error {
	return db.design(ctx, actor, r, func(tx *Tx) error {
		rs, _, err := findValidationRules(ctx, tx, aldyn.ValidationRuleFilter{ID: &id, Page: aldyn.Page{Limit: 1}})
		old, err := firstFound(rs, err, "datasets.error.rule_not_found")
		if err != nil {
			return err
		}
		if err := tx.checkRule(ctx, r); err != nil {
			return err
		}
		r.ID, r.CreatedAt, r.UpdatedAt = id, old.CreatedAt, tx.now
		if _, err := tx.exec(ctx, `UPDATE validation_rules SET data_set_code = ?, code = ?, expression = ?, severity = ?, message_ky = ?, message_ru = ?,
			message_en = ?, updated_at = ? WHERE id = ?`, r.DataSetCode, r.Code, r.Expression, r.Severity, r.Message.KY, r.Message.RU, r.Message.EN,
			tx.now, id); err != nil {
			return codeTaken(err)
		}
		return tx.Audit(ctx, aldyn.AuditUpdate, "validation_rule", idString(id), "", old, r)
	})
}

// periodStart is the first day of a period, as stored.
func periodStart(p aldyn.Period) string { return p.Start().Format(time.DateOnly) }
