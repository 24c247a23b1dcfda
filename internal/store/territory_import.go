package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/territories"
)

// ImportReport says what an import of territory data matched and changed.
type ImportReport struct {
	Matched   int                 `json:"matched"`
	Changed   int                 `json:"changed"`
	Unchanged int                 `json:"unchanged"`
	Unmatched []territories.Issue `json:"unmatched"`
}

// ImportError is returned when a file has invalid records; nothing was
// written.
type ImportError struct {
	Issues []territories.Issue
}

func (e *ImportError) Error() string {
	return "import has " + strconv.Itoa(len(e.Issues)) + " invalid records"
}

// Unwrap lets errors.As find the EINVALID code.
func (e *ImportError) Unwrap() error {
	return aldyn.Errorf(aldyn.EINVALID, "import.error.rejected", "count", len(e.Issues))
}

// scopedTerritory returns a territory the actor administers, or an issue
// saying why the record does not match.
func (tx *Tx) scopedTerritory(ctx context.Context, row int, col, code string) (*aldyn.Territory, *territories.Issue) {
	t, err := tx.territory(ctx, code)
	if err != nil {
		return nil, &territories.Issue{Row: row, Column: col, Reason: "territory.error.not_found", Value: code}
	}
	if !tx.actor.CanAdminister(t.Path) {
		return nil, &territories.Issue{Row: row, Column: col, Reason: "import.error.out_of_scope", Value: code}
	}
	return t, nil
}

// ImportBoundaries stores boundaries keyed by territory code. Records whose
// code matches no territory in the actor's scope are reported and skipped;
// the same file imported twice changes nothing.
func (db *DB) ImportBoundaries(ctx context.Context, actor *aldyn.Actor, bs []territories.Boundary, source string) (*ImportReport, error) {
	rep := &ImportReport{Unmatched: []territories.Issue{}}
	err := db.Update(ctx, actor, func(tx *Tx) error {
		tx.refChanged = true
		for _, b := range bs {
			t, issue := tx.scopedTerritory(ctx, b.Row, "code", b.Code)
			if issue != nil {
				rep.Unmatched = append(rep.Unmatched, *issue)
				continue
			}
			rep.Matched++
			var old string
			err := tx.queryRow(ctx, `SELECT geometry FROM territory_boundaries WHERE territory_code = ?`, t.Code).Scan(&old)
			switch {
			case err == sql.ErrNoRows:
				if _, err := tx.exec(ctx, `INSERT INTO territory_boundaries (territory_code, geometry, source, updated_at) VALUES (?, ?, ?, ?)`,
					t.Code, string(b.Geometry), source, tx.now); err != nil {
					return err
				}
			case err != nil:
				return tx.db.normalize(err)
			case old == string(b.Geometry):
				rep.Unchanged++
				continue
			default:
				if _, err := tx.exec(ctx, `UPDATE territory_boundaries SET geometry = ?, source = ?, updated_at = ? WHERE territory_code = ?`,
					string(b.Geometry), source, tx.now, t.Code); err != nil {
					return err
				}
			}
			rep.Changed++
			var before any
			if old != "" {
				before = map[string]any{"geometry_bytes": len(old)}
			}
			if err := tx.Audit(ctx, aldyn.AuditUpdate, "boundary", t.Code, t.Code, before, map[string]any{"geometry_bytes": len(b.Geometry), "source": source}); err != nil {
				return err
			}
		}
		return nil
	})
	return rep, err
}

// ImportPopulations stores population figures by territory and year.
func (db *DB) ImportPopulations(ctx context.Context, actor *aldyn.Actor, ps []aldyn.Population, rows []int) (*ImportReport, error) {
	rep := &ImportReport{Unmatched: []territories.Issue{}}
	err := db.Update(ctx, actor, func(tx *Tx) error {
		tx.refChanged = true
		for i, p := range ps {
			t, issue := tx.scopedTerritory(ctx, rows[i], "territory_code", p.TerritoryCode)
			if issue != nil {
				rep.Unmatched = append(rep.Unmatched, *issue)
				continue
			}
			rep.Matched++
			var old aldyn.Population
			err := tx.queryRow(ctx, `SELECT territory_code, year, population, kind, source, citation FROM territory_populations WHERE territory_code = ? AND year = ?`,
				t.Code, p.Year).Scan(&old.TerritoryCode, &old.Year, &old.Population, &old.Kind, &old.Source, &old.Citation)
			var before any
			switch {
			case err == sql.ErrNoRows:
				_, err = tx.exec(ctx, `INSERT INTO territory_populations (territory_code, year, population, kind, source, citation) VALUES (?, ?, ?, ?, ?, ?)`,
					t.Code, p.Year, p.Population, p.Kind, p.Source, p.Citation)
			case err != nil:
				return tx.db.normalize(err)
			case old == p:
				rep.Unchanged++
				continue
			default:
				before = old
				_, err = tx.exec(ctx, `UPDATE territory_populations SET population = ?, kind = ?, source = ?, citation = ? WHERE territory_code = ? AND year = ?`,
					p.Population, p.Kind, p.Source, p.Citation, t.Code, p.Year)
			}
			if err != nil {
				return err
			}
			rep.Changed++
			action := aldyn.AuditCreate
			if before != nil {
				action = aldyn.AuditUpdate
			}
			if err := tx.Audit(ctx, action, "population", t.Code+"/"+strconv.Itoa(p.Year), t.Code, before, p); err != nil {
				return err
			}
		}
		return nil
	})
	return rep, err
}

// ImportPrecincts adds precincts under their parents; a precinct that
// exists with the same names and place is unchanged, one that differs is
// updated.
func (db *DB) ImportPrecincts(ctx context.Context, actor *aldyn.Actor, ps []territories.Precinct) (*ImportReport, error) {
	rep := &ImportReport{Unmatched: []territories.Issue{}}
	err := db.Update(ctx, actor, func(tx *Tx) error {
		tx.refChanged = true
		for _, p := range ps {
			parent, issue := tx.scopedTerritory(ctx, p.Row, "parent_code", p.Territory.ParentCode)
			if issue != nil {
				rep.Unmatched = append(rep.Unmatched, *issue)
				continue
			}
			if parent.Level == aldyn.LevelPrecinct {
				rep.Unmatched = append(rep.Unmatched, territories.Issue{Row: p.Row, Column: "parent_code", Reason: "territory.error.precinct_parent", Value: parent.Code})
				continue
			}
			rep.Matched++
			t := p.Territory
			t.Slug = precinctSlug(t.Code)
			old, err := tx.territory(ctx, t.Code)
			switch {
			case aldyn.ErrorCode(err) == aldyn.ENOTFOUND:
				if err := tx.insertTerritory(ctx, &t); err != nil {
					return err
				}
				if err := tx.Audit(ctx, aldyn.AuditCreate, "territory", t.Code, t.Code, nil, t); err != nil {
					return err
				}
				rep.Changed++
			case err != nil:
				return err
			case old.ParentCode != t.ParentCode:
				rep.Unmatched = append(rep.Unmatched, territories.Issue{Row: p.Row, Column: "parent_code", Reason: "import.error.parent_changed", Value: old.ParentCode})
				rep.Matched--
				continue
			case old.NameKy == t.NameKy && old.NameRu == t.NameRu && old.NameEn == t.NameEn && eqf(old.Lat, t.Lat) && eqf(old.Lon, t.Lon):
				rep.Unchanged++
			default:
				if _, err := tx.exec(ctx, `UPDATE territories SET name_ky = ?, name_ru = ?, name_en = ?, lat = ?, lon = ?, search_text = ?, updated_at = ? WHERE code = ?`,
					t.NameKy, t.NameRu, t.NameEn, t.Lat, t.Lon, searchText(t.Code, t.Slug, t.NameKy, t.NameRu, t.NameEn), tx.now, t.Code); err != nil {
					return err
				}
				if err := tx.Audit(ctx, aldyn.AuditUpdate, "territory", t.Code, t.Code, old, t); err != nil {
					return err
				}
				rep.Changed++
			}
			if len(p.Geometry) > 0 {
				var old string
				err := tx.queryRow(ctx, `SELECT geometry FROM territory_boundaries WHERE territory_code = ?`, t.Code).Scan(&old)
				if err != nil && err != sql.ErrNoRows {
					return tx.db.normalize(err)
				}
				if old == string(p.Geometry) {
					continue
				}
				if _, err := tx.exec(ctx, `DELETE FROM territory_boundaries WHERE territory_code = ?`, t.Code); err != nil {
					return err
				}
				if _, err := tx.exec(ctx, `INSERT INTO territory_boundaries (territory_code, geometry, source, updated_at) VALUES (?, ?, ?, ?)`,
					t.Code, string(json.RawMessage(p.Geometry)), "precinct import", tx.now); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return rep, err
}

func precinctSlug(code string) string { return "p-" + strings.ToLower(code) }

func eqf(a, b *float64) bool { return (a == nil && b == nil) || (a != nil && b != nil && *a == *b) }
