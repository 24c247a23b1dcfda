package store

import (
	"context"
	"database/sql"
	"slices"

	"github.com/aldyn-kg/aldyn"
)

// This file stores the yearly ratings of district police departments by
// local self-government bodies and coordination commissions: one per
// rating body, unit and year, scope-checked and audited in the write's
// transaction. Published reads (UnitRatingSummaries) never select the
// comment.

const unitRatingScores = `r.cooperation, r.commission, r.appeals, r.youth_families, r.report_back, r.information, r.overall`

const unitRatingCols = `r.id, r.unit_code, r.year, r.body_id, ` + unitRatingScores + `, r.comment, r.demo,
	r.created_at, r.updated_at, t.path, bt.path, b.type`

const unitRatingFrom = ` FROM unit_ratings r JOIN territories t ON t.code = r.unit_code
	JOIN bodies b ON b.id = r.body_id JOIN territories bt ON bt.code = b.territory_code `

// scoreScan gives the scan targets of the criteria's columns, in
// aldyn.RatingCriteria's order (the columns' order above), and the
// function that puts the scores read into r.
func scoreScan(r *aldyn.UnitRating) ([]any, func()) {
	vals := make([]int, len(aldyn.RatingCriteria))
	dests := make([]any, len(vals))
	for i := range vals {
		dests[i] = intInto[int]{&vals[i]}
	}
	return dests, func() {
		r.Scores = make(map[string]int, len(vals))
		for i, c := range aldyn.RatingCriteria {
			r.Scores[c] = vals[i]
		}
	}
}

func scanUnitRating(s interface{ Scan(...any) error }) (*aldyn.UnitRating, error) {
	var r aldyn.UnitRating
	scores, fill := scoreScan(&r)
	dest := append([]any{&r.ID, &r.UnitCode, intInto[int]{&r.Year}, &r.BodyID}, scores...)
	dest = append(dest, &r.Comment, boolInto{&r.Demo}, timeScan{&r.CreatedAt}, timeScan{&r.UpdatedAt}, &r.UnitPath, &r.BodyPath, &r.BodyType)
	if err := s.Scan(dest...); err != nil {
		return nil, err
	}
	fill()
	r.CreatedAt, r.UpdatedAt = r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	return &r, nil
}

// FindUnitRatings lists the ratings matching f, with their comments: for
// the rating body's own list; published figures use UnitRatingSummaries.
func (db *DB) FindUnitRatings(ctx context.Context, f aldyn.UnitRatingFilter) ([]*aldyn.UnitRating, error) {
	var w where
	eq(&w, "r.body_id", f.BodyID)
	eq(&w, "r.unit_code", f.UnitCode)
	eq(&w, "r.year", f.Year)
	out, err := scanList(ctx, db, scanUnitRating, "SELECT "+unitRatingCols+unitRatingFrom+w.String()+" ORDER BY r.year DESC, t.path, r.id", w.args...)
	return out, db.normalize(err)
}

// FindUnitRatingByID returns one rating, comment included.
func (db *DB) FindUnitRatingByID(ctx context.Context, id int64) (*aldyn.UnitRating, error) {
	r, err := scanUnitRating(db.queryRow(ctx, "SELECT "+unitRatingCols+unitRatingFrom+"WHERE r.id = ?", id))
	return r, db.notFound(err, "rating.error.not_found")
}

// UnitRatingSummaries publishes the ratings of year (every year when nil):
// per unit, the count and the mean of each criterion. The comment and the
// rating body are not read.
func (db *DB) UnitRatingSummaries(ctx context.Context, year *int) ([]*aldyn.UnitRatingSummary, error) {
	var w where
	eq(&w, "r.year", year)
	var rs []*aldyn.UnitRating
	err := scanAll(ctx, db, func(rows *sql.Rows) error {
		r := &aldyn.UnitRating{}
		scores, fill := scoreScan(r)
		if err := rows.Scan(append([]any{&r.UnitCode, intInto[int]{&r.Year}}, scores...)...); err != nil {
			return err
		}
		fill()
		rs = append(rs, r)
		return nil
	}, "SELECT r.unit_code, r.year, "+unitRatingScores+" FROM unit_ratings r JOIN territories t ON t.code = r.unit_code "+w.String()+
		" ORDER BY r.year DESC, t.path, r.id", w.args...)
	if err != nil {
		return nil, db.normalize(err)
	}
	return aldyn.SummarizeUnitRatings(rs), nil
}

// checkUnitRating checks that the actor may rate for the rating's body,
// that the body rates police units and that the unit is a district or
// city of its territory; it sets the rating's paths.
func (tx *Tx) checkUnitRating(ctx context.Context, r *aldyn.UnitRating) error {
	if !tx.actor.CanRateFor(r.BodyID) {
		return aldyn.Errorf(aldyn.EFORBIDDEN, "error.forbidden")
	}
	t, err := tx.territory(ctx, r.UnitCode)
	if err != nil || !slices.Contains(aldyn.RatableLevels, t.Level) {
		return invalidField("unit_code", "rating.error.unit")
	}
	if r.BodyType, r.BodyPath, err = tx.referredBody(ctx, r.BodyID); err != nil {
		return err
	}
	if !aldyn.CanRateUnit(r.BodyType, r.BodyPath, t.Path) {
		return aldyn.Errorf(aldyn.EFORBIDDEN, "rating.error.scope")
	}
	r.UnitPath = t.Path
	return nil
}

// auditUnitRating is the audited view of a rating.
func auditUnitRating(r *aldyn.UnitRating) map[string]any {
	return map[string]any{"unit_code": r.UnitCode, "year": r.Year, "body_id": r.BodyID, "scores": r.Scores, "comment": r.Comment}
}

func scoreArgs(r *aldyn.UnitRating) []any {
	out := make([]any, len(aldyn.RatingCriteria))
	for i, c := range aldyn.RatingCriteria {
		out[i] = r.Scores[c]
	}
	return out
}

// CreateUnitRating records a body's rating of a unit for the year; a
// second rating by the same body of the same unit in the same year is a
// conflict (the first is edited instead).
func (db *DB) CreateUnitRating(ctx context.Context, actor *aldyn.Actor, r *aldyn.UnitRating) error {
	if err := r.Validate(db.Now()); err != nil {
		return err
	}
	return db.Update(ctx, actor, func(tx *Tx) error {
		if err := tx.checkUnitRating(ctx, r); err != nil {
			return err
		}
		var n int
		if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM unit_ratings WHERE unit_code = ? AND year = ? AND body_id = ?", r.UnitCode, r.Year, r.BodyID).
			Scan(&n); err != nil {
			return tx.db.normalize(err)
		}
		if n > 0 {
			return aldyn.Errorf(aldyn.ECONFLICT, "rating.error.duplicate")
		}
		r.CreatedAt, r.UpdatedAt = tx.now, tx.now
		args := append(scoreArgs(r), r.Comment, r.UnitCode, r.Year, r.BodyID, r.Demo, tx.now, tx.now)
		if err := tx.queryRow(ctx, insertSQL("unit_ratings", unitRatingWrites, "unit_code", "year", "body_id", "demo", "created_at", "updated_at"),
			args...).Scan(&r.ID); err != nil {
			return tx.db.normalize(err)
		}
		return tx.Audit(ctx, aldyn.AuditCreate, "unit_rating", idString(r.ID), r.UnitCode, nil, auditUnitRating(r))
	})
}

// unitRatingWrites are the columns a create and an update write: the
// criteria's (as scoreArgs gives their values), then the comment.
var unitRatingWrites = []string{"cooperation", "commission", "appeals", "youth_families", "report_back", "information", "overall", "comment"}

// UpdateUnitRating replaces a rating's scores and comment; its body, unit
// and year stay. Only the rating body edits it, and only in its year.
func (db *DB) UpdateUnitRating(ctx context.Context, actor *aldyn.Actor, id int64, r *aldyn.UnitRating) error {
	return db.Update(ctx, actor, func(tx *Tx) error {
		old, err := scanUnitRating(tx.queryRow(ctx, "SELECT "+unitRatingCols+unitRatingFrom+"WHERE r.id = ?", id))
		if err != nil {
			return tx.db.notFound(err, "rating.error.not_found")
		}
		r.ID, r.UnitCode, r.Year, r.BodyID, r.Demo, r.CreatedAt = old.ID, old.UnitCode, old.Year, old.BodyID, old.Demo, old.CreatedAt
		if err := r.Validate(tx.now); err != nil {
			return err
		}
		if err := tx.checkUnitRating(ctx, r); err != nil {
			return err
		}
		r.UpdatedAt = tx.now
		args := append(scoreArgs(r), r.Comment, tx.now, id)
		if _, err := tx.exec(ctx, updateSQL("unit_ratings", "id = ?", unitRatingWrites, "updated_at"), args...); err != nil {
			return err
		}
		return tx.Audit(ctx, aldyn.AuditUpdate, "unit_rating", idString(id), r.UnitCode, auditUnitRating(old), auditUnitRating(r))
	})
}
