package store

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/aldyn-kg/aldyn"
)

// This file stores the victim services directory (§4.5 of the Concept).
// Every write checks the actor may manage the service's territory, and is
// audited, in one transaction.

const victimServiceCols = `v.id,
	v.territory_code,
	v.kind,
	v.name_ky,
	v.name_ru,
	v.name_en,
	v.address,
	v.hours,
	v.phones_json,
	v.serves_json,
	v.lat,
	v.lon,
	v.free,
	v.active,
	v.demo,
	v.created_at,
	v.updated_at, ` + territoryCols

const victimServiceFrom = " FROM victim_services v JOIN territories t ON t.code = v.territory_code"

func scanVictimService(s interface{ Scan(...any) error }) (*aldyn.VictimService, error) {
	var v aldyn.VictimService
	var t aldyn.Territory
	if err := s.Scan(&v.ID, &v.TerritoryCode, &v.Kind, &v.Name.KY, &v.Name.RU, &v.Name.EN, &v.Address, &v.Hours,
		jsonOf(&v.Phones), jsonOf(&v.Serves),
		&v.Lat, &v.Lon, boolInto{&v.Free}, boolInto{&v.Active}, boolInto{&v.Demo}, &v.CreatedAt, &v.UpdatedAt,
		&t.Code, &t.Slug, &t.Level, &t.Kind, &t.ParentCode, &t.Path, &t.NameKy, &t.NameRu, &t.NameEn, &t.ISO, &t.Lat, &t.Lon, &t.Source); err != nil {
		return nil, err
	}
	v.CreatedAt, v.UpdatedAt = v.CreatedAt.UTC(), v.UpdatedAt.UTC()
	v.Territory, v.TerritoryPath = &t, t.Path
	return &v, nil
}

// VictimServiceSorts are the columns a victim services list can be sorted
// by; "local" (the default) puts the services of the deepest territory
// first, so a district's own shelter comes before the national hotline.
var VictimServiceSorts = map[string]string{
	"local":      "-LENGTH(t.path), v.name_ky",
	"name_ky":    "v.name_ky",
	"name_ru":    "v.name_ru",
	"name_en":    "v.name_en",
	"kind":       "v.kind, v.name_ky",
	"territory":  "t.path, v.name_ky",
	"updated_at": "v.updated_at",
	"id":         "v.id",
}

var victimServiceList = listQuery[*aldyn.VictimService]{cols: victimServiceCols, from: victimServiceFrom,
	sorts: VictimServiceSorts, order: VictimServiceSorts["local"], tie: ", v.id", scan: scanVictimService}

// ancestorPaths are the paths of the territory with path p and of every
// territory above it: "/a/b/" gives "/a/" and "/a/b/".
func ancestorPaths(p string) []string {
	var out []string
	for i := 1; i < len(p); i++ {
		if p[i] == '/' {
			out = append(out, p[:i+1])
		}
	}
	return out
}

// FindVictimServices lists the victim services matching f, with the total
// count.
func (db *DB) FindVictimServices(ctx context.Context, f aldyn.VictimServiceFilter) ([]*aldyn.VictimService, int, error) {
	var w where
	eq(&w, "v.id", f.ID)
	eq(&w, "v.kind", f.Kind)
	eq(&w, "v.territory_code", f.TerritoryCode)
	if f.ActiveOnly {
		w.and("v.active = TRUE")
	}
	if f.For != "" {
		if matchesNothing(f.For) {
			w.and("1=0")
		} else {
			anc := ancestorPaths(f.For)
			w.and("(t.path LIKE ? ESCAPE '\\' OR t.path IN ("+placeholders(len(anc))+"))",
				append([]any{likeEscape(f.For) + "%"}, anyOf(anc)...)...)
		}
	}
	w.pathLike(f.Under, "t.path")
	w.search(f.Query, "v.search_text")
	out, total, err := victimServiceList.page(ctx, db, &w, f.Page)
	return out, total, db.normalize(err)
}

// FindVictimServiceByID returns one victim service.
func (db *DB) FindVictimServiceByID(ctx context.Context, id int64) (*aldyn.VictimService, error) {
	vs, _, err := db.FindVictimServices(ctx, aldyn.VictimServiceFilter{ID: &id, Page: aldyn.Page{Limit: 1}})
	return firstFound(vs, err, "victims.error.not_found")
}

// managedVictimService loads service id, which the actor changes, and
// checks the actor manages its territory.
func (tx *Tx) managedVictimService(ctx context.Context, id int64) (*aldyn.VictimService, error) {
	v, err := scanVictimService(tx.queryRow(ctx, `SELECT `+victimServiceCols+victimServiceFrom+` WHERE v.id = ?`, id))
	return allowed(v, tx.db.notFound(err, "victims.error.not_found"), func(v *aldyn.VictimService) bool { return tx.actor.CanManageVictimService(v.TerritoryPath) })
}

// checkVictimServiceTerritory verifies the service's territory exists and
// lies in the actor's scope.
func (tx *Tx) checkVictimServiceTerritory(ctx context.Context, v *aldyn.VictimService) error {
	t, err := tx.placeIn(ctx, v.TerritoryCode, tx.actor.CanManageVictimService, &v.TerritoryPath)
	if err == nil {
		v.Territory = t
	}
	return err
}

// victimServiceWrites are the columns a create and an update write, of
// the values victimServiceArgs returns.
var victimServiceWrites = []string{"territory_code", "kind", "name_ky", "name_ru", "name_en", "address", "hours", "phones_json",
	"serves_json", "lat", "lon", "free", "active", "demo", "search_text"}

func victimServiceArgs(v *aldyn.VictimService) []any {
	phones, serves := victimServiceJSON(v)
	return []any{v.TerritoryCode, v.Kind, v.Name.KY, v.Name.RU, v.Name.EN, v.Address, v.Hours, phones, serves, v.Lat, v.Lon,
		v.Free, v.Active, v.Demo, victimServiceSearch(v)}
}

func victimServiceJSON(v *aldyn.VictimService) (phones, serves string) {
	p, _ := json.Marshal(nonNil(v.Phones))
	s, _ := json.Marshal(nonNil(v.Serves))
	return string(p), string(s)
}

func nonNil(ss []string) []string {
	if ss == nil {
		return []string{}
	}
	return ss
}

func victimServiceSearch(v *aldyn.VictimService) string {
	return searchText(v.Name.KY, v.Name.RU, v.Name.EN, v.Address)
}

// CreateVictimService validates and inserts a victim service.
func (db *DB) CreateVictimService(ctx context.Context, actor *aldyn.Actor, v *aldyn.VictimService) error {
	return db.updateValid(ctx, actor, v, func(tx *Tx) error { return tx.createVictimService(ctx, v) })
}

func (tx *Tx) createVictimService(ctx context.Context, v *aldyn.VictimService) error {
	if err := tx.checkVictimServiceTerritory(ctx, v); err != nil {
		return err
	}
	v.CreatedAt, v.UpdatedAt = tx.now, tx.now
	if err := tx.queryRow(ctx, insertSQL("victim_services", victimServiceWrites, "created_at", "updated_at"),
		append(victimServiceArgs(v), tx.now, tx.now)...).Scan(&v.ID); err != nil {
		return tx.db.normalize(err)
	}
	return tx.Audit(ctx, aldyn.AuditCreate, "victim_service", idString(v.ID), v.TerritoryCode, nil, auditVictimService(v))
}

// UpdateVictimService replaces the fields of service id with those of v.
func (db *DB) UpdateVictimService(ctx context.Context, actor *aldyn.Actor, id int64, v *aldyn.VictimService) error {
	return db.updateValid(ctx, actor, v, func(tx *Tx) error {
		old, err := tx.managedVictimService(ctx, id)
		if err != nil {
			return err
		}
		return tx.updateVictimService(ctx, old, v)
	})
}

func (tx *Tx) updateVictimService(ctx context.Context, old, v *aldyn.VictimService) error {
	if err := tx.checkVictimServiceTerritory(ctx, v); err != nil {
		return err
	}
	v.ID, v.CreatedAt, v.UpdatedAt = old.ID, old.CreatedAt, tx.now
	if _, err := tx.exec(ctx, updateSQL("victim_services", "id = ?", victimServiceWrites, "updated_at"),
		append(victimServiceArgs(v), tx.now, old.ID)...); err != nil {
		return err
	}
	return tx.Audit(ctx, aldyn.AuditUpdate, "victim_service", idString(old.ID), v.TerritoryCode, auditVictimService(old), auditVictimService(v))
}

// DeleteVictimService removes a victim service.
func (db *DB) DeleteVictimService(ctx context.Context, actor *aldyn.Actor, id int64) error {
	return db.Update(ctx, actor, func(tx *Tx) error {
		old, err := tx.managedVictimService(ctx, id)
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `DELETE FROM victim_services WHERE id = ?`, id); err != nil {
			return err
		}
		return tx.Audit(ctx, aldyn.AuditDelete, "victim_service", strconv.FormatInt(id, 10), old.TerritoryCode, auditVictimService(old), nil)
	})
}

// VictimServiceImport is what an import did: the services created and
// those updated (matched by name and territory); the rest were the same.
type VictimServiceImport struct {
	Created   int `json:"created"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
}

// ImportVictimServices writes services read from a file in one
// transaction: a service whose territory already has one of the same name
// (in any language, ignoring case and repeated spaces) updates it when
// something differs, any other is created. One refusal (a territory out
// of the actor's scope) writes nothing. The rows must already be valid;
// row is the file's row of each, for the errors.
func (db *DB) ImportVictimServices(ctx context.Context, actor *aldyn.Actor, vs []*aldyn.VictimService, rows []int) (VictimServiceImport, error) {
	var res VictimServiceImport
	for i, v := range vs {
		if err := v.Validate(); err != nil {
			return res, rowError(rows, i, err)
		}
	}
	err := db.Update(ctx, actor, func(tx *Tx) error {
		res = VictimServiceImport{}
		existing, err := scanList(ctx, tx, scanVictimService, `SELECT `+victimServiceCols+victimServiceFrom)
		if err != nil {
			return err
		}
		for i, v := range vs {
			old := matchVictimService(existing, v)
			switch {
			case old == nil:
				if err := tx.createVictimService(ctx, v); err != nil {
					return rowError(rows, i, err)
				}
				existing = append(existing, v)
				res.Created++
			case sameVictimService(old, v):
				res.Unchanged++
			default:
				if !tx.actor.CanManageVictimService(old.TerritoryPath) {
					return rowError(rows, i, aldyn.Errorf(aldyn.EFORBIDDEN, "error.forbidden"))
				}
				v.Demo = old.Demo
				if err := tx.updateVictimService(ctx, old, v); err != nil {
					return rowError(rows, i, err)
				}
				*old = *v
				res.Updated++
			}
		}
		return nil
	})
	return res, err
}

// VictimServiceRowError is an import refused at one row by the store.
type VictimServiceRowError struct {
	Row int
	Err error
}

func (e *VictimServiceRowError) Error() string {
	return "row " + strconv.Itoa(e.Row) + ": " + e.Err.Error()
}
func (e *VictimServiceRowError) Unwrap() error { return e.Err }

func rowError(rows []int, i int, err error) error {
	row := i + 2
	if i < len(rows) {
		row = rows[i]
	}
	return &VictimServiceRowError{Row: row, Err: err}
}

// nameKey folds a name for matching: lower case, spaces collapsed.
func nameKey(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), " ") }

func matchVictimService(existing []*aldyn.VictimService, v *aldyn.VictimService) *aldyn.VictimService {
	for _, e := range existing {
		if e.TerritoryCode != v.TerritoryCode {
			continue
		}
		for _, a := range []string{e.Name.KY, e.Name.RU, e.Name.EN} {
			for _, b := range []string{v.Name.KY, v.Name.RU, v.Name.EN} {
				if nameKey(a) != "" && nameKey(a) == nameKey(b) {
					return e
				}
			}
		}
	}
	return nil
}

func sameVictimService(a, b *aldyn.VictimService) bool {
	pa, sa := victimServiceJSON(a)
	pb, sb := victimServiceJSON(b)
	return a.Name == b.Name && a.Kind == b.Kind && a.Address == b.Address && a.Hours == b.Hours && pa == pb && sa == sb &&
		sameFloat(a.Lat, b.Lat) && sameFloat(a.Lon, b.Lon) && a.Free == b.Free && a.Active == b.Active
}

func sameFloat(a, b *float64) bool { return a == nil && b == nil || a != nil && b != nil && *a == *b }

// auditVictimService is the audited view of a service (without the
// joined territory).
func auditVictimService(v *aldyn.VictimService) *aldyn.VictimService {
	c := *v
	c.Territory = nil
	return &c
}
