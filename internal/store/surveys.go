package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"reflect"
	"strings"

	"github.com/aldyn-kg/aldyn"
)

// This file stores surveys of residents: the survey, the versions of its
// questions, and the responses. A running survey's questions are locked:
// changing them makes a new version, and every response keeps the version
// it answered. Scope comes from the survey's territory for definitions and
// from the respondent's territory for responses.

// SurveySorts are the columns a survey list can be sorted by.
var SurveySorts = map[string]string{"updated": "s.updated_at", "slug": "s.slug", "status": "s.status, s.slug", "id": "s.id"}

var surveyList = listQuery[*aldyn.Survey]{cols: surveyCols, from: surveyFrom,
	sorts: SurveySorts, order: "s.updated_at", newest: "updated", tie: ", s.id", scan: scanSurvey}

const surveyCols = `s.id, s.slug, s.form_id, s.title_ky, s.title_ru, s.title_en, s.status, s.one_per, s.territory_code, s.version,
	s.created_at, s.updated_at, t.path, v.definition`

const surveyFrom = ` FROM surveys s JOIN territories t ON t.code = s.territory_code
	JOIN survey_versions v ON v.survey_id = s.id AND v.version = s.version `

// definition is what a version holds.
type definition struct {
	Sections  []aldyn.SurveySection  `json:"sections"`
	Questions []aldyn.SurveyQuestion `json:"questions"`
	Strata    string                 `json:"strata,omitempty"`
	Clusters  string                 `json:"clusters,omitempty"`
}

func definitionOf(sv *aldyn.Survey) definition {
	d := definition{Sections: sv.Sections, Questions: sv.Questions, Strata: sv.Strata, Clusters: sv.Clusters}
	if d.Sections == nil {
		d.Sections = []aldyn.SurveySection{}
	}
	return d
}

func scanSurvey(s interface{ Scan(...any) error }) (*aldyn.Survey, error) {
	var sv aldyn.Survey
	var def string
	if err := s.Scan(&sv.ID, &sv.Slug, &sv.FormID, &sv.Title.KY, &sv.Title.RU, &sv.Title.EN, &sv.Status, &sv.OnePer, &sv.TerritoryCode,
		&sv.Version, timeScan{&sv.CreatedAt}, timeScan{&sv.UpdatedAt}, &sv.TerritoryPath, &def); err != nil {
		return nil, err
	}
	var d definition
	if err := json.Unmarshal([]byte(def), &d); err != nil {
		return nil, err
	}
	sv.Sections, sv.Questions, sv.Strata, sv.Clusters = d.Sections, d.Questions, d.Strata, d.Clusters
	return &sv, nil
}

// FindSurveys lists surveys matching f, most recently changed first by
// default, and the total count.
func (db *DB) FindSurveys(ctx context.Context, f aldyn.SurveyFilter) ([]*aldyn.Survey, int, error) {
	var w where
	eq(&w, "s.id", f.ID)
	eq(&w, "s.slug", f.Slug)
	w.pathLike(f.Under, "t.path")
	if f.Running {
		w.and("s.status = ?", string(aldyn.SurveyRunning))
	}
	out, total, err := surveyList.page(ctx, db, &w, f.Page)
	return out, total, db.normalize(err)
}

// FindSurveyByID returns a survey with its current version's questions.
func (db *DB) FindSurveyByID(ctx context.Context, id int64) (*aldyn.Survey, error) {
	return db.findSurvey(ctx, aldyn.SurveyFilter{ID: &id})
}

// FindSurveyBySlug returns the survey whose public form is at slug.
func (db *DB) FindSurveyBySlug(ctx context.Context, slug string) (*aldyn.Survey, error) {
	return db.findSurvey(ctx, aldyn.SurveyFilter{Slug: &slug})
}

func (db *DB) findSurvey(ctx context.Context, f aldyn.SurveyFilter) (*aldyn.Survey, error) {
	f.Page = aldyn.Page{Limit: 1}
	out, _, err := db.FindSurveys(ctx, f)
	return firstFound(out, err, "surveys.error.not_found")
}

// FindSurveyVersion returns survey id with the questions of one of its
// versions, as respondents of that version answered them.
func (db *DB) FindSurveyVersion(ctx context.Context, id int64, version int) (*aldyn.Survey, error) {
	sv, err := db.FindSurveyByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if version == sv.Version {
		return sv, nil
	}
	var def string
	if err := db.queryRow(ctx, "SELECT definition FROM survey_versions WHERE survey_id = ? AND version = ?", id, version).Scan(&def); err != nil {
		return nil, db.notFound(err, "surveys.error.version_not_found")
	}
	var d definition
	if err := json.Unmarshal([]byte(def), &d); err != nil {
		return nil, err
	}
	sv.Version, sv.Sections, sv.Questions, sv.Strata, sv.Clusters = version, d.Sections, d.Questions, d.Strata, d.Clusters
	return sv, nil
}

func (tx *Tx) survey(ctx context.Context, id int64) (*aldyn.Survey, error) {
	sv, err := scanSurvey(tx.queryRow(ctx, "SELECT "+surveyCols+surveyFrom+"WHERE s.id = ?", id))
	return sv, tx.db.notFound(err, "surveys.error.not_found")
}

// designedSurvey loads survey id for a change by an actor who may design
// it (aldyn.Actor.CanDesignSurvey).
func (tx *Tx) designedSurvey(ctx context.Context, id int64) (*aldyn.Survey, error) {
	sv, err := tx.survey(ctx, id)
	return allowed(sv, err, func(sv *aldyn.Survey) bool { return tx.actor.CanDesignSurvey(sv.TerritoryPath) })
}

// surveyTerritory sets the survey's territory path and checks the actor
// may design surveys there.
func (tx *Tx) surveyTerritory(ctx context.Context, sv *aldyn.Survey) error {
	_, err := tx.placeIn(ctx, sv.TerritoryCode, tx.actor.CanDesignSurvey, &sv.TerritoryPath)
	return err
}

// CreateSurvey validates and inserts a survey and its first version.
// Checks that need the skip logic parsed (internal/surveyform.Check) are
// the caller's.
func (db *DB) CreateSurvey(ctx context.Context, actor *aldyn.Actor, sv *aldyn.Survey) error {
	if err := sv.Validate(); err != nil {
		return err
	}
	return db.Update(ctx, actor, func(tx *Tx) error {
		if err := tx.surveyTerritory(ctx, sv); err != nil {
			return err
		}
		sv.Version, sv.CreatedAt, sv.UpdatedAt = 1, tx.now, tx.now
		if err := tx.queryRow(ctx, `INSERT INTO surveys (slug, form_id, title_ky, title_ru, title_en, status, one_per, territory_code, version,
			created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			sv.Slug, sv.FormID, sv.Title.KY, sv.Title.RU, sv.Title.EN, string(sv.Status), string(sv.OnePer), sv.TerritoryCode, sv.Version,
			tx.now, tx.now).Scan(&sv.ID); err != nil {
			return surveyConflict(tx.db.normalize(err))
		}
		if _, err := tx.exec(ctx, "INSERT INTO survey_versions (survey_id, version, definition, created_at) VALUES (?, ?, ?, ?)",
			sv.ID, sv.Version, jsonText(definitionOf(sv)), tx.now); err != nil {
			return tx.db.normalize(err)
		}
		return tx.Audit(ctx, aldyn.AuditCreate, "survey", idString(sv.ID), sv.TerritoryCode, nil, sv)
	})
}

func surveyConflict(err error) error {
	if aldyn.ErrorCode(err) == aldyn.ECONFLICT {
		return invalidField("slug", "surveys.error.slug_taken")
	}
	return err
}

// UpdateSurvey replaces survey id's fields with those of sv. A draft's
// questions change in place; once the survey has run, changed questions
// make a new version and the old stays as its respondents answered it.
// A survey that has run cannot go back to draft.
func (db *DB) UpdateSurvey(ctx context.Context, actor *aldyn.Actor, id int64, sv *aldyn.Survey) error {
	if err := sv.Validate(); err != nil {
		return err
	}
	return db.Update(ctx, actor, func(tx *Tx) error {
		old, err := tx.designedSurvey(ctx, id)
		if err != nil {
			return err
		}
		if err := tx.surveyTerritory(ctx, sv); err != nil {
			return err
		}
		if old.Status != aldyn.SurveyDraft && sv.Status == aldyn.SurveyDraft {
			return aldyn.Errorf(aldyn.ECONFLICT, "surveys.error.back_to_draft")
		}
		sv.ID, sv.Version, sv.CreatedAt, sv.UpdatedAt = id, old.Version, old.CreatedAt, tx.now
		changed := !reflect.DeepEqual(definitionOf(old), definitionOf(sv))
		switch {
		case changed && old.Status == aldyn.SurveyDraft:
			if _, err := tx.exec(ctx, "UPDATE survey_versions SET definition = ? WHERE survey_id = ? AND version = ?",
				jsonText(definitionOf(sv)), id, old.Version); err != nil {
				return tx.db.normalize(err)
			}
		case changed:
			sv.Version++
			if _, err := tx.exec(ctx, "INSERT INTO survey_versions (survey_id, version, definition, created_at) VALUES (?, ?, ?, ?)",
				id, sv.Version, jsonText(definitionOf(sv)), tx.now); err != nil {
				return tx.db.normalize(err)
			}
		}
		if _, err := tx.exec(ctx, `UPDATE surveys SET slug = ?, form_id = ?, title_ky = ?, title_ru = ?, title_en = ?, status = ?, one_per = ?,
			territory_code = ?, version = ?, updated_at = ? WHERE id = ?`, sv.Slug, sv.FormID, sv.Title.KY, sv.Title.RU, sv.Title.EN,
			string(sv.Status), string(sv.OnePer), sv.TerritoryCode, sv.Version, tx.now, id); err != nil {
			return surveyConflict(tx.db.normalize(err))
		}
		return tx.Audit(ctx, aldyn.AuditUpdate, "survey", idString(id), sv.TerritoryCode, old, sv)
	})
}

// Responses.

// ResponseSorts are the columns a response list can be sorted by.
var ResponseSorts = map[string]string{"created": "r.created_at", "wave": "r.wave, r.created_at", "territory": "r.territory_code, r.id", "id": "r.id"}

var responseList = listQuery[*aldyn.SurveyResponse]{cols: responseCols, from: responseFrom,
	sorts: ResponseSorts, order: "r.created_at", newest: "created", tie: ", r.id", scan: scanResponse}

const responseCols = `r.id, r.survey_id, r.version, r.wave, r.territory_code, t.path, r.answers, r.weight, r.design_weight, r.source,
	COALESCE(r.external_id, ''), r.created_at`

const responseFrom = ` FROM survey_responses r JOIN territories t ON t.code = r.territory_code `

func scanResponse(s interface{ Scan(...any) error }) (*aldyn.SurveyResponse, error) {
	var r aldyn.SurveyResponse
	var answers string
	if err := s.Scan(&r.ID, &r.SurveyID, &r.Version, &r.Wave, &r.TerritoryCode, &r.TerritoryPath, &answers, floatInto{&r.Weight},
		floatInto{&r.DesignWeight}, &r.Source, &r.ExternalID, timeScan{&r.CreatedAt}); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(answers), &r.Answers); err != nil {
		return nil, err
	}
	return &r, nil
}

func responseWhere(f aldyn.ResponseFilter) where {
	var w where
	w.and("r.survey_id = ?", f.SurveyID)
	eq(&w, "r.wave", f.Wave)
	w.pathLike(f.Under, "t.path")
	return w
}

// FindResponses lists a survey's responses matching f, newest first by
// default, and the total count.
func (db *DB) FindResponses(ctx context.Context, f aldyn.ResponseFilter) ([]*aldyn.SurveyResponse, int, error) {
	w := responseWhere(f)
	out, total, err := responseList.page(ctx, db, &w, f.Page)
	return out, total, db.normalize(err)
}

// EachResponse calls fn with every response matching f (no paging), in
// id order: estimates read whole waves.
func (db *DB) EachResponse(ctx context.Context, f aldyn.ResponseFilter, fn func(*aldyn.SurveyResponse) error) error {
	w := responseWhere(f)
	return db.normalize(scanAll(ctx, db, func(rows *sql.Rows) error {
		r, err := scanResponse(rows)
		if err != nil {
			return err
		}
		return fn(r)
	}, "SELECT "+responseCols+responseFrom+w.String()+" ORDER BY r.id", w.args...))
}

// SurveyWaves lists the waves of a survey's responses, in order.
func (db *DB) SurveyWaves(ctx context.Context, surveyID int64) ([]string, error) {
	out, err := scanColumn[string](ctx, db, "SELECT DISTINCT wave FROM survey_responses WHERE survey_id = ? ORDER BY wave", surveyID)
	return out, db.normalize(err)
}

// AddResponses stores responses to survey id, all or none: a response
// whose external id is already stored (a re-imported file) is skipped, one
// whose respondent key is (an invitation used twice) is a conflict. The
// public adds one response at a time to a running survey; staff whose
// territory covers the respondents' may type in interviews and import.
// It returns how many were added.
func (db *DB) AddResponses(ctx context.Context, actor *aldyn.Actor, surveyID int64, rs []*aldyn.SurveyResponse) (int, error) {
	added := 0
	err := db.Update(ctx, actor, func(tx *Tx) error {
		sv, err := tx.survey(ctx, surveyID)
		if err != nil {
			return err
		}
		if !actor.SignedIn() && (sv.Status != aldyn.SurveyRunning || len(rs) != 1) {
			return aldyn.Errorf(aldyn.EFORBIDDEN, "surveys.error.not_running")
		}
		paths := map[string]string{}
		for i, r := range rs {
			if r.TerritoryCode == "" {
				r.TerritoryCode = sv.TerritoryCode
			}
			path, ok := paths[r.TerritoryCode]
			if !ok {
				t, err := tx.territory(ctx, r.TerritoryCode)
				if err != nil {
					return err
				}
				path, paths[r.TerritoryCode] = t.Path, t.Path
			}
			if !aldyn.PathContains(sv.TerritoryPath, path) {
				return aldyn.Errorf(aldyn.EINVALID, "surveys.error.territory_outside", "row", i+1)
			}
			if actor.SignedIn() && !actor.Covers(path) {
				return aldyn.Errorf(aldyn.EFORBIDDEN, "error.forbidden")
			}
			if r.Version == 0 {
				r.Version = sv.Version
			}
			if r.Weight == 0 {
				r.Weight = 1
			}
			r.DesignWeight = r.Weight
			if r.ExternalID != "" {
				var n int
				if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM survey_responses WHERE survey_id = ? AND external_id = ?", surveyID, r.ExternalID).Scan(&n); err != nil {
					return tx.db.normalize(err)
				}
				if n > 0 {
					continue
				}
			}
			r.SurveyID, r.TerritoryPath, r.CreatedAt = surveyID, path, tx.now
			if err := tx.queryRow(ctx, `INSERT INTO survey_responses (survey_id, version, wave, territory_code, answers, weight, design_weight,
				source, respondent_key, external_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
				surveyID, r.Version, r.Wave, r.TerritoryCode, jsonText(r.Answers), r.Weight, r.DesignWeight, string(r.Source),
				nullText(r.RespondentKey), nullText(r.ExternalID), tx.now).Scan(&r.ID); err != nil {
				err = tx.db.normalize(err)
				if aldyn.ErrorCode(err) == aldyn.ECONFLICT {
					return aldyn.Errorf(aldyn.ECONFLICT, "surveys.error.already_answered")
				}
				return err
			}
			added++
		}
		if !actor.SignedIn() || added == 0 {
			return nil // a public response is its own record; nothing added, nothing to audit
		}
		return tx.Audit(ctx, aldyn.AuditCreate, "survey_responses", idString(surveyID), sv.TerritoryCode, nil,
			map[string]any{"added": added, "source": rs[0].Source})
	})
	return added, err
}

func nullText(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// SetResponseWeights replaces the weights estimates use of survey id's
// responses (by response id), after weighting to population margins; the
// design weights stay. All or none.
// The margins and cap are kept for the wave, so that its estimates'
// intervals account for the raking.
func (db *DB) SetResponseWeights(ctx context.Context, actor *aldyn.Actor, surveyID int64, weights map[int64]float64, wt *aldyn.SurveyWeighting, summary any) error {
	return db.Update(ctx, actor, func(tx *Tx) error {
		sv, err := tx.designedSurvey(ctx, surveyID)
		if err != nil {
			return err
		}
		for id, w := range weights {
			res, err := tx.exec(ctx, "UPDATE survey_responses SET weight = ? WHERE id = ? AND survey_id = ?", w, id, surveyID)
			if err != nil {
				return tx.db.normalize(err)
			}
			if n, err := res.RowsAffected(); err != nil || n != 1 {
				return aldyn.Errorf(aldyn.ENOTFOUND, "surveys.error.response_not_found")
			}
		}
		if _, err := tx.exec(ctx, "DELETE FROM survey_weightings WHERE survey_id = ? AND wave = ?", surveyID, wt.Wave); err != nil {
			return tx.db.normalize(err)
		}
		if _, err := tx.exec(ctx, "INSERT INTO survey_weightings (survey_id, wave, margins, cap, created_at) VALUES (?, ?, ?, ?, ?)",
			surveyID, wt.Wave, jsonText(wt.Margins), wt.Cap, tx.now); err != nil {
			return tx.db.normalize(err)
		}
		return tx.Audit(ctx, aldyn.AuditUpdate, "survey_weights", idString(surveyID), sv.TerritoryCode, nil, summary)
	})
}

// AddPublicResponses stores responses sent by the public web form, many
// at once in one transaction (the form's writer gathers them), each with
// its own outcome: a response to a survey that is not running, or counted
// by a respondent key already used, is refused alone; the others are
// stored. An error of the database fails them all.
func (db *DB) AddPublicResponses(ctx context.Context, rs []*aldyn.SurveyResponse) ([]error, error) {
	out := make([]error, len(rs))
	err := db.Update(ctx, aldyn.Public, func(tx *Tx) error {
		clear(out)
		var insert []*aldyn.SurveyResponse
		surveys := map[int64]*aldyn.Survey{}
		paths := map[string]string{}
		keys := map[string]bool{}
		for i, r := range rs {
			sv, ok := surveys[r.SurveyID]
			if !ok {
				var err error
				if sv, err = tx.survey(ctx, r.SurveyID); err != nil && aldyn.ErrorCode(err) != aldyn.ENOTFOUND {
					return err
				}
				surveys[r.SurveyID] = sv
			}
			if sv == nil || sv.Status != aldyn.SurveyRunning {
				out[i] = aldyn.Errorf(aldyn.EFORBIDDEN, "surveys.error.not_running")
				continue
			}
			if r.TerritoryCode == "" {
				r.TerritoryCode = sv.TerritoryCode
			}
			path, ok := paths[r.TerritoryCode]
			if !ok {
				if t, err := tx.territory(ctx, r.TerritoryCode); err == nil {
					path = t.Path
				}
				paths[r.TerritoryCode] = path
			}
			if path == "" || !aldyn.PathContains(sv.TerritoryPath, path) {
				out[i] = aldyn.Errorf(aldyn.EINVALID, "surveys.error.territory_outside", "row", 1)
				continue
			}
			if r.RespondentKey != "" {
				k := idString(r.SurveyID) + "/" + r.RespondentKey
				var n int
				if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM survey_responses WHERE survey_id = ? AND respondent_key = ?", r.SurveyID, r.RespondentKey).Scan(&n); err != nil {
					return tx.db.normalize(err)
				}
				if n > 0 || keys[k] {
					out[i] = aldyn.Errorf(aldyn.ECONFLICT, "surveys.error.already_answered")
					continue
				}
				keys[k] = true
			}
			// A survey that takes one response per invitation code takes
			// only the codes it issued, each once.
			if sv.OnePer == aldyn.OnePerInvitation {
				if err := tx.useInvitation(ctx, r.SurveyID, r.RespondentKey); err != nil {
					if c := aldyn.ErrorCode(err); c == aldyn.EINVALID || c == aldyn.ECONFLICT {
						out[i] = err
						continue
					}
					return err
				}
			}
			if r.Version == 0 {
				r.Version = sv.Version
			}
			if r.Weight == 0 {
				r.Weight = 1
			}
			r.DesignWeight, r.TerritoryPath, r.CreatedAt = r.Weight, path, tx.now
			insert = append(insert, r)
		}
		return tx.insertResponses(ctx, insert)
	})
	return out, err
}

// responsesPerInsert is how many responses one INSERT statement stores:
// 11 parameters each stays far below SQLite's and PostgreSQL's limits.
const responsesPerInsert = 100

// insertResponses stores the responses of a crowd of respondents a
// hundred per statement: one statement per response was what kept a
// crowd waiting. Their ids are not read back (the public form does not
// show them).
func (tx *Tx) insertResponses(ctx context.Context, rs []*aldyn.SurveyResponse) error {
	for len(rs) > 0 {
		chunk := rs[:min(len(rs), responsesPerInsert)]
		rs = rs[len(chunk):]
		var q strings.Builder
		q.WriteString(`INSERT INTO survey_responses (survey_id, version, wave, territory_code, answers, weight, design_weight,
			source, respondent_key, external_id, created_at) VALUES `)
		args := make([]any, 0, 11*len(chunk))
		for i, r := range chunk {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
			args = append(args, r.SurveyID, r.Version, r.Wave, r.TerritoryCode, jsonText(r.Answers), r.Weight, r.DesignWeight, string(r.Source),
				nullText(r.RespondentKey), nullText(r.ExternalID), tx.now)
		}
		if _, err := tx.exec(ctx, q.String(), args...); err != nil {
			return tx.db.normalize(err)
		}
	}
	return nil
}

// FindSurveyWeighting returns how wave of survey id was last weighted to
// population margins, or ENOTFOUND when it never was.
func (db *DB) FindSurveyWeighting(ctx context.Context, surveyID int64, wave string) (*aldyn.SurveyWeighting, error) {
	wt := &aldyn.SurveyWeighting{Wave: wave}
	var margins string
	err := db.queryRow(ctx, "SELECT margins, cap FROM survey_weightings WHERE survey_id = ? AND wave = ?", surveyID, wave).Scan(&margins, floatInto{&wt.Cap})
	if err == sql.ErrNoRows {
		return nil, aldyn.Errorf(aldyn.ENOTFOUND, "surveys.error.not_weighted")
	} else if err != nil {
		return nil, db.normalize(err)
	}
	return wt, json.Unmarshal([]byte(margins), &wt.Margins)
}
