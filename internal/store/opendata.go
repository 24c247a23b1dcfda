package store

import (
	"context"
	"database/sql"
	"strconv"
	"time"

	"github.com/aldyn-kg/aldyn"
)

// Open datasets: the administrators' settings of each registered dataset
// and the versions of its content (package opendata builds them).

// OpenDatasetSettings returns the settings stored, by slug; a dataset
// without a row is unpublished under the default licence.
func (db *DB) OpenDatasetSettings(ctx context.Context) (map[string]aldyn.OpenDatasetSettings, error) {
	out := map[string]aldyn.OpenDatasetSettings{}
	err := db.read(ctx, func(r reader) error {
		return scanAll(ctx, r, func(rows *sql.Rows) error {
			var s aldyn.OpenDatasetSettings
			if err := rows.Scan(&s.Slug, boolInto{&s.Published}, &s.Licence, timeScan{&s.UpdatedAt}); err != nil {
				return err
			}
			out[s.Slug] = s
			return nil
		}, `SELECT slug, published, licence, `+timeCol(r, "updated_at")+` FROM open_datasets`)
	})
	return out, db.normalize(err)
}

// SaveOpenDatasetSettings stores an administrator's decision about a
// dataset (audited: publishing and withdrawing are publications).
func (db *DB) SaveOpenDatasetSettings(ctx context.Context, actor *aldyn.Actor, s *aldyn.OpenDatasetSettings) error {
	if err := s.Validate(); err != nil {
		return err
	}
	old, err := db.OpenDatasetSettings(ctx)
	if err != nil {
		return err
	}
	before, had := old[s.Slug]
	return db.Update(ctx, actor, func(tx *Tx) error {
		s.UpdatedAt = tx.now
		if _, err := tx.exec(ctx, `INSERT INTO open_datasets (slug, published, licence, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (slug) DO UPDATE SET published = excluded.published, licence = excluded.licence, updated_at = excluded.updated_at`,
			s.Slug, s.Published, s.Licence, tx.now); err != nil {
			return err
		}
		action, b := aldyn.AuditCreate, any(nil)
		if had {
			action, b = aldyn.AuditUpdate, before
		}
		return tx.Audit(ctx, action, "open_dataset", s.Slug, "", b, s)
	})
}

// OpenDatasetVersions returns the versions of a dataset, newest first.
func (db *DB) OpenDatasetVersions(ctx context.Context, slug string) ([]aldyn.OpenDatasetVersion, error) {
	var out []aldyn.OpenDatasetVersion
	err := db.read(ctx, func(r reader) error {
		return scanAll(ctx, r, func(rows *sql.Rows) error {
			var v aldyn.OpenDatasetVersion
			if err := rows.Scan(&v.Slug, &v.Version, timeScan{&v.CreatedAt}, timeScan{&v.BuiltAt}, &v.SourceVersion, &v.Checksum, &v.Rows, &v.Suppressed); err != nil {
				return err
			}
			out = append(out, v)
			return nil
		}, `SELECT slug, version, `+timeCol(r, "created_at")+`, `+timeCol(r, "built_at")+`, source_version, checksum, rows, suppressed
			FROM open_dataset_versions WHERE slug = ? ORDER BY version DESC`, slug)
	})
	return out, db.normalize(err)
}

// RecordOpenDatasetBuild records a build of v.Slug: a new version when the
// content's checksum differs from the latest version's (audited, by the
// system), else the latest version's built_at and source_version move. It
// sets v.Version, v.CreatedAt and v.BuiltAt.
func (db *DB) RecordOpenDatasetBuild(ctx context.Context, v *aldyn.OpenDatasetVersion) error {
	return db.Update(ctx, aldyn.System, func(tx *Tx) error {
		v.BuiltAt = tx.now
		var last int
		var sum string
		err := tx.queryRow(ctx, `SELECT version, checksum, `+timeCol(tx, "created_at")+` FROM open_dataset_versions WHERE slug = ? ORDER BY version DESC LIMIT 1`,
			v.Slug).Scan(&last, &sum, timeScan{&v.CreatedAt})
		if err != nil && err != sql.ErrNoRows {
			return tx.db.normalize(err)
		}
		if err == nil && sum == v.Checksum {
			v.Version = last
			_, err := tx.exec(ctx, `UPDATE open_dataset_versions SET built_at = ?, source_version = ? WHERE slug = ? AND version = ?`,
				tx.now, v.SourceVersion, v.Slug, last)
			return err
		}
		v.Version, v.CreatedAt = last+1, tx.now
		if _, err := tx.exec(ctx, `INSERT INTO open_dataset_versions (slug, version, created_at, built_at, source_version, checksum, rows, suppressed)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, v.Slug, v.Version, tx.now, tx.now, v.SourceVersion, v.Checksum, v.Rows, v.Suppressed); err != nil {
			return err
		}
		return tx.Audit(ctx, aldyn.AuditCreate, "open_dataset_version", v.Slug, "", nil, v)
	})
}

// SubgroupCount is the number of records of one sensitive subgroup in one
// district (or the deepest territory above it a record names) and month.
type SubgroupCount struct {
	TerritoryPath string
	Category      string
	Subgroup      string
	Year, Month   int
	Count         int64
}

// SensitiveSubgroupCounts counts the records of the sensitive subgroups
// (aldyn.IsSensitive by subgroup, outside the sensitive categories) by
// district, category, subgroup and month (by Offense.Day), from the
// records themselves: the monthly aggregate does not keep subgroups. Open
// data takes them out of their category's counts and publishes them only
// at coarse levels.
func (db *DB) SensitiveSubgroupCounts(ctx context.Context) ([]SubgroupCount, error) {
	var out []SubgroupCount
	q := `SELECT ` + ancestorPathSQL("territory_path", "3") + `, category, subgroup, year, month, COUNT(*) FROM offenses
		WHERE subgroup IN (?, ?) AND category <> ? GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5`
	err := db.read(ctx, func(r reader) error {
		return scanAll(ctx, r, func(rows *sql.Rows) error {
			var c SubgroupCount
			if err := rows.Scan(&c.TerritoryPath, &c.Category, &c.Subgroup, &c.Year, &c.Month, &c.Count); err != nil {
				return err
			}
			out = append(out, c)
			return nil
		}, q, aldyn.SubgroupDomesticViolence, aldyn.SubgroupCrimesAgainstChildren, aldyn.CategoryRape)
	})
	return out, db.normalize(err)
}

// WritesVersion names the state of everything written through the audited
// path (plans, reports, meetings …): the latest audit entry. Datasets built
// from them hold until it moves.
func (db *DB) WritesVersion(ctx context.Context) (string, error) {
	var n int64
	err := db.queryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM audit_log`).Scan(&n)
	return strconv.FormatInt(n, 10), db.normalize(err)
}

// GridLocation is a located record as the open-data grid counts it: its
// point, category, subgroup, territory path and month (by Offense.Day).
type GridLocation struct {
	Lon, Lat      float64
	Category      string
	Subgroup      string
	TerritoryPath string
	Year, Month   int
}

// OpenGridLocations streams the located records whose day is in [from, to)
// to fn; the slice-free callback keeps a million records out of memory.
func (db *DB) OpenGridLocations(ctx context.Context, from, to time.Time, fn func(*GridLocation) error) error {
	rows, err := db.query(ctx, `SELECT lon, lat, category, subgroup, territory_path, year, month FROM offenses
		WHERE lat IS NOT NULL AND lon IS NOT NULL AND day >= ? AND day < ?`, db.dateArg(from), db.dateArg(to))
	if err != nil {
		return err
	}
	defer rows.Close()
	var l GridLocation
	var cat, sub, path sql.RawBytes
	paths := map[string]string{}
	for rows.Next() {
		if err := rows.Scan(&l.Lon, &l.Lat, &cat, &sub, &path, &l.Year, &l.Month); err != nil {
			return db.normalize(err)
		}
		l.Category, l.Subgroup = internCategory(cat), string(sub)
		p, ok := paths[string(path)]
		if !ok {
			p = string(path)
			paths[p] = p
		}
		l.TerritoryPath = p
		if err := fn(&l); err != nil {
			return err
		}
	}
	return db.normalize(rows.Err())
}
