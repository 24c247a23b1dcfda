package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"github.com/aldyn-kg/aldyn"
)

const bodyCols = `b.id, b.territory_code, b.type, b.name_ky, b.name_ru, b.name_en, b.address, b.phone, b.email, b.website,
	b.contact_person, b.direct_phone, b.notes, b.created_at, b.updated_at, ` + territoryCols

func scanBody(s interface{ Scan(...any) error }) (*aldyn.Body, error) {
	var b aldyn.Body
	var t aldyn.Territory
	if err := s.Scan(&b.ID, &b.TerritoryCode, &b.Type, &b.NameKy, &b.NameRu, &b.NameEn, &b.Address, &b.Phone, &b.Email, &b.Website,
		&b.ContactPerson, &b.DirectPhone, &b.Notes, &b.CreatedAt, &b.UpdatedAt,
		&t.Code, &t.Slug, &t.Level, &t.Kind, &t.ParentCode, &t.Path, &t.NameKy, &t.NameRu, &t.NameEn, &t.ISO, &t.Lat, &t.Lon, &t.Source); err != nil {
		return nil, err
	}
	b.CreatedAt, b.UpdatedAt = b.CreatedAt.UTC(), b.UpdatedAt.UTC()
	b.Territory = &t
	return &b, nil
}

// BodySorts are the columns a body list can be sorted by.
var BodySorts = map[string]string{"name_ky": "b.name_ky", "name_ru": "b.name_ru", "name_en": "b.name_en", "type": "b.type, b.name_ky",
	"territory": "t.path, b.name_ky", "updated_at": "b.updated_at", "id": "b.id"}

var bodyList = listQuery[*aldyn.Body]{cols: bodyCols, from: " FROM bodies b JOIN territories t ON t.code = b.territory_code",
	sorts: BodySorts, order: "b.name_ky", tie: ", b.id", scan: scanBody}

// FindBodies lists bodies matching f, with the total count.
func (db *DB) FindBodies(ctx context.Context, f aldyn.BodyFilter) ([]*aldyn.Body, int, error) {
	var w where
	eq(&w, "b.id", f.ID)
	w.inIDs("b.id", f.IDs)
	eq(&w, "b.territory_code", f.TerritoryCode)
	w.pathLike(f.Under, "t.path")
	eq(&w, "b.type", f.Type)
	w.search(f.Query, "b.search_text")
	out, total, err := bodyList.page(ctx, db, &w, f.Page)
	return out, total, db.normalize(err)
}

// searchText is what a body's list search matches: names folded to lower
// case in Go, so SQLite and PostgreSQL find the same Cyrillic names.
func searchText(parts ...string) string { return strings.ToLower(strings.Join(parts, " | ")) }

// FindBodyByID returns one body.
func (db *DB) FindBodyByID(ctx context.Context, id int64) (*aldyn.Body, error) {
	bs, _, err := db.FindBodies(ctx, aldyn.BodyFilter{ID: &id, Page: aldyn.Page{Limit: 1}})
	return firstFound(bs, err, "body.error.not_found")
}

func (tx *Tx) body(ctx context.Context, id int64) (*aldyn.Body, error) {
	b, err := scanBody(tx.queryRow(ctx, `SELECT `+bodyCols+` FROM bodies b JOIN territories t ON t.code = b.territory_code WHERE b.id = ?`, id))
	return b, tx.db.notFound(err, "body.error.not_found")
}

// referredBody reads the type and territory path of body id, which a
// record refers to in its field body_id (EINVALID when there is none).
func (tx *Tx) referredBody(ctx context.Context, id int64) (typ, path string, err error) {
	err = tx.queryRow(ctx, "SELECT b.type, t.path FROM bodies b JOIN territories t ON t.code = b.territory_code WHERE b.id = ?", id).Scan(&typ, &path)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", invalidField("body_id", "body.error.not_found")
	}
	return typ, path, tx.db.normalize(err)
}

// checkBodyTerritory verifies the body's territory exists and lies in the
// actor's scope.
func (tx *Tx) checkBodyTerritory(ctx context.Context, b *aldyn.Body) (*aldyn.Territory, error) {
	return tx.allowedTerritory(ctx, "territory_code", b.TerritoryCode, tx.actor.CanAdminister)
}

// CreateBody validates and inserts a body.
func (db *DB) CreateBody(ctx context.Context, actor *aldyn.Actor, b *aldyn.Body) error {
	if err := b.Validate(); err != nil {
		return err
	}
	return db.Update(ctx, actor, func(tx *Tx) error { return tx.createBody(ctx, b) })
}

func (tx *Tx) createBody(ctx context.Context, b *aldyn.Body) error {
	t, err := tx.checkBodyTerritory(ctx, b)
	if err != nil {
		return err
	}
	b.CreatedAt, b.UpdatedAt, b.Territory = tx.now, tx.now, t
	if err := tx.queryRow(ctx, `INSERT INTO bodies (territory_code, type, name_ky, name_ru, name_en, address, phone, email, website, contact_person, direct_phone, notes, search_text, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		b.TerritoryCode, b.Type, b.NameKy, b.NameRu, b.NameEn, b.Address, b.Phone, b.Email, b.Website, b.ContactPerson, b.DirectPhone, b.Notes,
		searchText(b.NameKy, b.NameRu, b.NameEn), tx.now, tx.now).Scan(&b.ID); err != nil {
		return tx.db.normalize(err)
	}
	return tx.Audit(ctx, aldyn.AuditCreate, "body", strconv.FormatInt(b.ID, 10), b.TerritoryCode, nil, auditBody(b))
}

// administeredBody loads body id, which the actor changes, and checks the
// actor administers its territory.
func (tx *Tx) administeredBody(ctx context.Context, id int64) (*aldyn.Body, error) {
	b, err := tx.body(ctx, id)
	return allowed(b, err, func(b *aldyn.Body) bool { return tx.actor.CanAdminister(b.Territory.Path) })
}

// UpdateBody replaces the editable fields of body id with those of b.
func (db *DB) UpdateBody(ctx context.Context, actor *aldyn.Actor, id int64, b *aldyn.Body) error {
	return db.updateValid(ctx, actor, b, func(tx *Tx) error {
		old, err := tx.administeredBody(ctx, id)
		if err != nil {
			return err
		}
		t, err := tx.checkBodyTerritory(ctx, b)
		if err != nil {
			return err
		}
		b.ID, b.CreatedAt, b.UpdatedAt, b.Territory = id, old.CreatedAt, tx.now, t
		if _, err := tx.exec(ctx, `UPDATE bodies SET territory_code = ?, type = ?, name_ky = ?, name_ru = ?, name_en = ?, address = ?, phone = ?, email = ?,
			website = ?, contact_person = ?, direct_phone = ?, notes = ?, search_text = ?, updated_at = ? WHERE id = ?`,
			b.TerritoryCode, b.Type, b.NameKy, b.NameRu, b.NameEn, b.Address, b.Phone, b.Email, b.Website, b.ContactPerson, b.DirectPhone, b.Notes,
			searchText(b.NameKy, b.NameRu, b.NameEn), tx.now, id); err != nil {
			return err
		}
		return tx.Audit(ctx, aldyn.AuditUpdate, "body", strconv.FormatInt(id, 10), b.TerritoryCode, auditBody(old), auditBody(b))
	})
}

// DeleteBody removes a body that no user belongs to.
func (db *DB) DeleteBody(ctx context.Context, actor *aldyn.Actor, id int64) error {
	return db.Update(ctx, actor, func(tx *Tx) error {
		old, err := tx.administeredBody(ctx, id)
		if err != nil {
			return err
		}
		var n int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM users WHERE body_id = ?`, id).Scan(&n); err != nil {
			return tx.db.normalize(err)
		}
		if n > 0 {
			return aldyn.Errorf(aldyn.ECONFLICT, "body.error.has_users", "count", n)
		}
		if _, err := tx.exec(ctx, `DELETE FROM bodies WHERE id = ?`, id); err != nil {
			return err
		}
		return tx.Audit(ctx, aldyn.AuditDelete, "body", strconv.FormatInt(id, 10), old.TerritoryCode, auditBody(old), nil)
	})
}

// auditBody is the audited view of a body (without the joined territory).
func auditBody(b *aldyn.Body) *aldyn.Body {
	c := *b
	c.Territory = nil
	return &c
}
