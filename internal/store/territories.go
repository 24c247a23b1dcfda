package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/refdata"
)

const territoryCols = `t.code, t.slug, t.level, t.kind, COALESCE(t.parent_code, ''), t.path, t.name_ky, t.name_ru, t.name_en, t.iso, t.lat, t.lon, t.source`

func scanTerritory(s interface{ Scan(...any) error }, extra ...any) (*aldyn.Territory, error) {
	var t aldyn.Territory
	dest := append([]any{&t.Code, &t.Slug, &t.Level, &t.Kind, &t.ParentCode, &t.Path, &t.NameKy, &t.NameRu, &t.NameEn, &t.ISO, &t.Lat, &t.Lon, &t.Source}, extra...)
	if err := s.Scan(dest...); err != nil {
		return nil, err
	}
	return &t, nil
}

// latestPopulation is a correlated subquery for a territory's most recent figure.
const latestPopulation = `(SELECT p.population FROM territory_populations p WHERE p.territory_code = t.code ORDER BY p.year DESC LIMIT 1),
	(SELECT p.year FROM territory_populations p WHERE p.territory_code = t.code ORDER BY p.year DESC LIMIT 1)`

var territoryList = listQuery[*aldyn.Territory]{cols: territoryCols + ", " + latestPopulation, from: " FROM territories t",
	sorts: map[string]string{"code": "t.code", "path": "t.path", "name_ky": "t.name_ky", "name_ru": "t.name_ru", "name_en": "t.name_en", "level": "t.level, t.path"}, order: "t.path", scan: scanTerritoryPopulation}

// FindTerritories lists territories with their latest population.
func (db *DB) FindTerritories(ctx context.Context, f aldyn.TerritoryFilter) ([]*aldyn.Territory, int, error) {
	var w where
	eq(&w, "t.code", f.Code)
	eq(&w, "t.parent_code", f.ParentCode)
	eq(&w, "t.level", f.Level)
	w.pathLike(f.Under, "t.path")
	w.search(f.Query, "t.search_text")
	out, total, err := territoryList.page(ctx, db, &w, f.Page)
	return out, total, db.normalize(err)
}

// scanTerritoryPopulation scans a territory and its latest population
// (latestPopulation).
func scanTerritoryPopulation(s interface{ Scan(...any) error }) (*aldyn.Territory, error) {
	var pop, year sql.NullInt64
	t, err := scanTerritory(s, &pop, &year)
	if err != nil {
		return nil, err
	}
	if pop.Valid {
		t.Population = &pop.Int64
		y := int(year.Int64)
		t.PopulationYear = &y
	}
	return t, nil
}

// FindTerritoryByCode returns one territory.
func (db *DB) FindTerritoryByCode(ctx context.Context, code string) (*aldyn.Territory, error) {
	ts, _, err := db.FindTerritories(ctx, aldyn.TerritoryFilter{Code: &code, Page: aldyn.Page{Limit: 1}})
	if err != nil {
		return nil, err
	}
	if len(ts) == 0 {
		return nil, aldyn.Errorf(aldyn.ENOTFOUND, "territory.error.not_found", "code", code)
	}
	return ts[0], nil
}

// TerritoryPaths returns code → path of every territory; small enough to
// keep in memory (tens of thousands at most with precincts).
func (db *DB) TerritoryPaths(ctx context.Context) (map[string]string, error) {
	return scanMap[string, string](ctx, db, `SELECT code, path FROM territories`)
}

func (tx *Tx) insertTerritory(ctx context.Context, t *aldyn.Territory) error {
	tx.refChanged = true
	var parent any
	if t.ParentCode != "" {
		var pp string
		if err := tx.queryRow(ctx, `SELECT path FROM territories WHERE code = ?`, t.ParentCode).Scan(&pp); err != nil {
			if err == sql.ErrNoRows {
				return &aldyn.Error{Code: aldyn.EINVALID, Message: "error.validation", Fields: map[string]string{"parent_code": "territory.error.not_found"}}
			}
			return tx.db.normalize(err)
		}
		t.Path = aldyn.TerritoryPath(pp, t.Code)
		parent = t.ParentCode
	} else {
		t.Path = aldyn.TerritoryPath("", t.Code)
	}
	_, err := tx.exec(ctx, `INSERT INTO territories (code, slug, level, kind, parent_code, path, name_ky, name_ru, name_en, iso, lat, lon, source, search_text, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		t.Code, t.Slug, t.Level, t.Kind, parent, t.Path, t.NameKy, t.NameRu, t.NameEn, t.ISO, t.Lat, t.Lon, t.Source,
		searchText(t.Code, t.Slug, t.NameKy, t.NameRu, t.NameEn), tx.now, tx.now)
	return err
}

// CreatePrecinct adds a police precinct under an existing territory, with
// its boundary when one is given (GeoJSON geometry, checked by
// territories.ParsePrecinctBoundary).
func (db *DB) CreatePrecinct(ctx context.Context, actor *aldyn.Actor, t *aldyn.Territory, boundary json.RawMessage) error {
	t.Level, t.Kind = aldyn.LevelPrecinct, aldyn.KindPrecinct
	if t.Slug == "" {
		t.Slug = precinctSlug(t.Code)
	}
	if err := t.ValidatePrecinct(); err != nil {
		return err
	}
	return db.Update(ctx, actor, func(tx *Tx) error {
		parent, err := tx.allowedTerritory(ctx, "parent_code", t.ParentCode, actor.CanAdminister)
		if err != nil {
			return err
		}
		if parent.Level == aldyn.LevelPrecinct {
			return &aldyn.Error{Code: aldyn.EINVALID, Message: "error.validation", Fields: map[string]string{"parent_code": "territory.error.precinct_parent"}}
		}
		if err := tx.insertTerritory(ctx, t); err != nil {
			return err
		}
		if len(boundary) > 0 {
			if _, err := tx.exec(ctx, `INSERT INTO territory_boundaries (territory_code, geometry, source, updated_at) VALUES (?, ?, ?, ?)`,
				t.Code, string(boundary), "precinct form", tx.now); err != nil {
				return err
			}
		}
		// The audit notes the boundary's size, not its thousands of points.
		after := any(t)
		if len(boundary) > 0 {
			after = struct {
				*aldyn.Territory
				BoundaryBytes int `json:"boundary_bytes"`
			}{t, len(boundary)}
		}
		return tx.Audit(ctx, aldyn.AuditCreate, "territory", t.Code, t.Code, nil, after)
	})
}

// allowedTerritory returns the territory of code for a record placed in it:
// a field error (field: territory.error.not_found) when there is none, and
// EFORBIDDEN when may, the actor's permission, refuses its path.
func (tx *Tx) allowedTerritory(ctx context.Context, field, code string, may func(path string) bool) (*aldyn.Territory, error) {
	t, err := tx.territory(ctx, code)
	if err != nil {
		return nil, invalidField(field, "territory.error.not_found")
	}
	if !may(t.Path) {
		return nil, aldyn.Errorf(aldyn.EFORBIDDEN, "error.forbidden")
	}
	return t, nil
}

// placeIn is allowedTerritory for a record's territory_code: it checks the
// actor may (may) place the record in the territory of code, and sets
// *path, the record's territory path, to the territory's.
func (tx *Tx) placeIn(ctx context.Context, code string, may func(path string) bool, path *string) (*aldyn.Territory, error) {
	t, err := tx.allowedTerritory(ctx, "territory_code", code, may)
	if err != nil {
		return nil, err
	}
	*path = t.Path
	return t, nil
}

func (tx *Tx) territory(ctx context.Context, code string) (*aldyn.Territory, error) {
	t, err := scanTerritory(tx.queryRow(ctx, `SELECT `+territoryCols+` FROM territories t WHERE t.code = ?`, code))
	if err != nil {
		if err == sql.ErrNoRows {
			return nil, aldyn.Errorf(aldyn.ENOTFOUND, "territory.error.not_found", "code", code)
		}
		return nil, tx.db.normalize(err)
	}
	return t, nil
}

// SeedReference loads the embedded territories and populations when the
// territories table is empty. On later starts it adds the embedded
// population figures the database lacks and their citations to figures
// still as seeded; figures an administrator imported are kept.
func (db *DB) SeedReference(ctx context.Context) error {
	var n int
	if err := db.queryRow(ctx, `SELECT COUNT(*) FROM territories`).Scan(&n); err != nil {
		return db.normalize(err)
	}
	ts, err := parseReferenceTerritories(refdata.MustRead("territories.csv"))
	if err != nil {
		return err
	}
	slugToCode := map[string]string{}
	for _, t := range ts {
		slugToCode[t.Slug] = t.Code
	}
	if n > 0 {
		// Later starts add the figures of a newer embedded table.
		return db.Update(ctx, aldyn.System, func(tx *Tx) error { return tx.seedPopulations(ctx, slugToCode) })
	}
	return db.Update(ctx, aldyn.System, func(tx *Tx) error {
		for _, t := range ts {
			if err := tx.insertTerritory(ctx, t); err != nil {
				return fmt.Errorf("seed territory %s: %w", t.Code, err)
			}
		}
		if err := tx.seedPopulations(ctx, slugToCode); err != nil {
			return err
		}
		var fc struct {
			Features []struct {
				Properties struct {
					Code string `json:"code"`
				} `json:"properties"`
				Geometry json.RawMessage `json:"geometry"`
			} `json:"features"`
		}
		if err := json.Unmarshal(refdata.MustRead("kg-adm1.geojson"), &fc); err != nil {
			return fmt.Errorf("kg-adm1.geojson: %w", err)
		}
		for _, f := range fc.Features {
			if _, err := tx.exec(ctx, `INSERT INTO territory_boundaries (territory_code, geometry, source, updated_at) VALUES (?, ?, ?, ?)`,
				f.Properties.Code, string(f.Geometry), "Natural Earth admin-1 (public domain)", tx.now); err != nil {
				return fmt.Errorf("seed boundary %s: %w", f.Properties.Code, err)
			}
		}
		return nil
	})
}

// seedPopulations stores the embedded population figures of existing
// territories: new figures are added; a figure already stored gets the
// embedded citation when it has none and its source is the embedded one.
func (tx *Tx) seedPopulations(ctx context.Context, slugToCode map[string]string) error {
	tx.refChanged = true
	pops, err := readCSV(refdata.MustRead("population.csv"))
	if err != nil {
		return err
	}
	for _, r := range pops {
		code, ok := slugToCode[r["slug"]]
		if !ok {
			return fmt.Errorf("population.csv: unknown slug %q", r["slug"])
		}
		year, _ := strconv.Atoi(r["year"])
		pop, _ := strconv.ParseInt(r["population"], 10, 64)
		if _, err := tx.exec(ctx, `INSERT INTO territory_populations (territory_code, year, population, kind, source, citation) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (territory_code, year) DO NOTHING`,
			code, year, pop, r["kind"], r["source"], r["citation"]); err != nil {
			return fmt.Errorf("seed population %s %d: %w", code, year, err)
		}
		if _, err := tx.exec(ctx, `UPDATE territory_populations SET citation = ? WHERE territory_code = ? AND year = ? AND citation = '' AND source = ?`,
			r["citation"], code, year, r["source"]); err != nil {
			return fmt.Errorf("seed population citation %s %d: %w", code, year, err)
		}
	}
	return nil
}

var levelOrder = map[string]int{aldyn.LevelCountry: 0, aldyn.LevelRegion: 1, aldyn.LevelDistrict: 2, aldyn.LevelCity: 2}

func parseReferenceTerritories(b []byte) ([]*aldyn.Territory, error) {
	recs, err := readCSV(b)
	if err != nil {
		return nil, err
	}
	slugToCode := map[string]string{}
	for _, r := range recs {
		slugToCode[r["slug"]] = r["code"]
	}
	var out []*aldyn.Territory
	for _, r := range recs {
		t := &aldyn.Territory{Code: r["code"], Slug: r["slug"], Level: r["level"], Kind: r["kind"], NameKy: r["name_ky"], NameRu: r["name_ru"],
			NameEn: r["name_en"], ISO: r["iso"], Source: r["source"]}
		if p := r["parent_slug"]; p != "" {
			t.ParentCode = slugToCode[p]
		}
		if lat, err := strconv.ParseFloat(r["lat"], 64); err == nil {
			t.Lat = &lat
		}
		if lon, err := strconv.ParseFloat(r["lon"], 64); err == nil {
			t.Lon = &lon
		}
		out = append(out, t)
	}
	sort.SliceStable(out, func(i, j int) bool { return levelOrder[out[i].Level] < levelOrder[out[j].Level] })
	return out, nil
}

// readCSV reads a small headed CSV into maps.
func readCSV(b []byte) ([]map[string]string, error) {
	r := csv.NewReader(bytes.NewReader(b))
	head, err := r.Read()
	if err != nil {
		return nil, err
	}
	var out []map[string]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return out, nil
		} else if err != nil {
			return nil, err
		}
		m := map[string]string{}
		for i, h := range head {
			m[h] = rec[i]
		}
		out = append(out, m)
	}
}

// Populations returns a territory's population figures, oldest first.
func (db *DB) Populations(ctx context.Context, code string) ([]aldyn.Population, error) {
	return scanList(ctx, db, scanPopulation, `SELECT `+populationCols+` FROM territory_populations WHERE territory_code = ? ORDER BY year`, code)
}

const populationCols = `territory_code, year, population, kind, source, citation`

func scanPopulation(s interface{ Scan(...any) error }) (aldyn.Population, error) {
	var p aldyn.Population
	err := s.Scan(&p.TerritoryCode, &p.Year, &p.Population, &p.Kind, &p.Source, &p.Citation)
	return p, err
}

// AllPopulations returns every population figure keyed by territory code.
func (db *DB) AllPopulations(ctx context.Context) (map[string][]aldyn.Population, error) {
	out := map[string][]aldyn.Population{}
	err := scanAll(ctx, db, func(rows *sql.Rows) error {
		p, err := scanPopulation(rows)
		if err == nil {
			out[p.TerritoryCode] = append(out[p.TerritoryCode], p)
		}
		return err
	}, `SELECT `+populationCols+` FROM territory_populations ORDER BY territory_code, year`)
	return out, err
}

// Boundary is a territory's geometry as GeoJSON.
type Boundary struct {
	Territory *aldyn.Territory
	Geometry  json.RawMessage
}

// FindBoundaries returns the boundaries of territories under a path prefix.
func (db *DB) FindBoundaries(ctx context.Context, under string) ([]Boundary, error) {
	return scanList(ctx, db, func(s interface{ Scan(...any) error }) (Boundary, error) {
		var g string
		t, err := scanTerritory(s, &g)
		return Boundary{Territory: t, Geometry: json.RawMessage(g)}, err
	}, `SELECT `+territoryCols+`, b.geometry FROM territory_boundaries b JOIN territories t ON t.code = b.territory_code
		WHERE t.path LIKE ? ESCAPE '\' ORDER BY t.path`, likeEscape(under)+"%")
}

// TerritoryNames returns every territory and police precinct with its
// code, level, path and names only, for matching imported records against
// them in memory.
func (db *DB) TerritoryNames(ctx context.Context) ([]aldyn.Territory, error) {
	out, err := scanList(ctx, db, func(s interface{ Scan(...any) error }) (aldyn.Territory, error) {
		var t aldyn.Territory
		err := s.Scan(&t.Code, &t.Level, &t.Path, &t.NameKy, &t.NameRu, &t.NameEn)
		return t, err
	}, `SELECT code, level, path, name_ky, name_ru, name_en FROM territories ORDER BY code`)
	return out, db.normalize(err)
}
