package store

import (
	"context"

	"github.com/aldyn-kg/aldyn"
)

// This file stores the categories of residents' reports; the defaults
// ship with migration 00014 (SQLite) / 00015 (PostgreSQL).

const residentCategoryCols = `c.id, c.code, c.name_ky, c.name_ru, c.name_en, c.description_ky, c.description_ru, c.description_en,
	c.body_types_json, c.deadline_days, c.public, c.sensitive, c.active, c.position, c.attributes_json, c.created_at, c.updated_at`

func scanResidentCategory(s interface{ Scan(...any) error }) (*aldyn.ResidentCategory, error) {
	var c aldyn.ResidentCategory
	if err := s.Scan(&c.ID, &c.Code, &c.Name.KY, &c.Name.RU, &c.Name.EN, &c.Description.KY, &c.Description.RU, &c.Description.EN,
		jsonOf(&c.BodyTypes), &c.DeadlineDays, boolInto{&c.Public}, boolInto{&c.Sensitive}, boolInto{&c.Active}, &c.Position,
		jsonOf(&c.Attributes), &c.CreatedAt, &c.UpdatedAt); err != nil {
		return nil, err
	}
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	return &c, nil
}

// FindResidentCategories lists the categories in their order; activeOnly
// leaves out those retired.
func (db *DB) FindResidentCategories(ctx context.Context, activeOnly bool) ([]*aldyn.ResidentCategory, error) {
	q := "SELECT " + residentCategoryCols + " FROM resident_categories c"
	if activeOnly {
		q += " WHERE c.active = TRUE"
	}
	out, err := scanList(ctx, db, scanResidentCategory, q+" ORDER BY c.position, c.id")
	return out, db.normalize(err)
}

// FindResidentCategoryByID returns one category.
func (db *DB) FindResidentCategoryByID(ctx context.Context, id int64) (*aldyn.ResidentCategory, error) {
	c, err := scanResidentCategory(db.queryRow(ctx, "SELECT "+residentCategoryCols+" FROM resident_categories c WHERE c.id = ?", id))
	return c, db.notFound(err, "residents.error.category_not_found")
}

// FindResidentCategoryByCode returns the category with the code (the
// Open311 service_code).
func (db *DB) FindResidentCategoryByCode(ctx context.Context, code string) (*aldyn.ResidentCategory, error) {
	c, err := scanResidentCategory(db.queryRow(ctx, "SELECT "+residentCategoryCols+" FROM resident_categories c WHERE c.code = ?", code))
	return c, db.notFound(err, "residents.error.category_not_found")
}

func (tx *Tx) residentCategory(ctx context.Context, id int64) (*aldyn.ResidentCategory, error) {
	c, err := scanResidentCategory(tx.queryRow(ctx, "SELECT "+residentCategoryCols+" FROM resident_categories c WHERE c.id = ?", id))
	return c, tx.db.notFound(err, "residents.error.category_not_found")
}

// editResidentCategory validates c and runs fn in a transaction of an
// actor who may edit the categories (national administrators).
func (db *DB) editResidentCategory(ctx context.Context, actor *aldyn.Actor, c *aldyn.ResidentCategory, fn func(*Tx) error) error {
	return db.updateValid(ctx, actor, c, func(tx *Tx) error {
		if !actor.CanEditResidentCategories() {
			return aldyn.Errorf(aldyn.EFORBIDDEN, "error.forbidden")
		}
		return fn(tx)
	})
}

// CreateResidentCategory validates and inserts a category (national
// administrators).
func (db *DB) CreateResidentCategory(ctx context.Context, actor *aldyn.Actor, c *aldyn.ResidentCategory) error {
	return db.editResidentCategory(ctx, actor, c, func(tx *Tx) error {
		c.CreatedAt, c.UpdatedAt = tx.now, tx.now
		if err := tx.queryRow(ctx, `INSERT INTO resident_categories (code, name_ky, name_ru, name_en, description_ky, description_ru, description_en,
			body_types_json, deadline_days, public, sensitive, active, position, attributes_json, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			c.Code, c.Name.KY, c.Name.RU, c.Name.EN, c.Description.KY, c.Description.RU, c.Description.EN,
			jsonText(c.BodyTypes), c.DeadlineDays, c.Public, c.Sensitive, c.Active, c.Position, jsonText(c.Attributes), tx.now, tx.now).Scan(&c.ID); err != nil {
			return tx.db.normalize(err)
		}
		return tx.Audit(ctx, aldyn.AuditCreate, "resident_category", idString(c.ID), "", nil, c)
	})
}

// UpdateResidentCategory validates and saves a category; its code stays.
func (db *DB) UpdateResidentCategory(ctx context.Context, actor *aldyn.Actor, c *aldyn.ResidentCategory) error {
	return db.editResidentCategory(ctx, actor, c, func(tx *Tx) error {
		before, err := tx.residentCategory(ctx, c.ID)
		if err != nil {
			return err
		}
		c.Code, c.CreatedAt, c.UpdatedAt = before.Code, before.CreatedAt, tx.now
		if _, err := tx.exec(ctx, `UPDATE resident_categories SET name_ky = ?, name_ru = ?, name_en = ?, description_ky = ?, description_ru = ?,
			description_en = ?, body_types_json = ?, deadline_days = ?, public = ?, sensitive = ?, active = ?, position = ?, attributes_json = ?,
			updated_at = ? WHERE id = ?`, c.Name.KY, c.Name.RU, c.Name.EN, c.Description.KY, c.Description.RU, c.Description.EN,
			jsonText(c.BodyTypes), c.DeadlineDays, c.Public, c.Sensitive, c.Active, c.Position, jsonText(c.Attributes), tx.now, c.ID); err != nil {
			return err
		}
		return tx.Audit(ctx, aldyn.AuditUpdate, "resident_category", idString(c.ID), "", before, c)
	})
}
