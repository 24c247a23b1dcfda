package store

import (
	"context"
	"slices"
	"strings"
)

// This file holds what the writes of every entity share: the SQL of an
// INSERT and of an UPDATE built from one list of columns, so that an
// entity names the columns it writes once (shared by its create and its
// update), and the placeholders always match them.

// insertSQL is "INSERT INTO table (cols, more) VALUES (?, …) RETURNING id",
// one placeholder a column.
func insertSQL(table string, cols []string, more ...string) string {
	return insertRowSQL(table, slices.Concat(cols, more)) + " RETURNING id"
}

// insertRowSQL is "INSERT INTO table (cols) VALUES (?, …)".
func insertRowSQL(table string, cols []string) string {
	return "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES (" + placeholders(len(cols)) + ")"
}

// updateSQL is "UPDATE table SET col = ?, … WHERE cond" for cols and more,
// one placeholder a column, then cond's.
func updateSQL(table, cond string, cols []string, more ...string) string {
	return "UPDATE " + table + " SET " + strings.Join(slices.Concat(cols, more), " = ?, ") + " = ? WHERE " + cond
}

// replaceChildren replaces the rows of table whose column parentCol holds
// parentID by n new ones: row i holds parentID and then, in cols, the
// values row(i) returns.
func (tx *Tx) replaceChildren(ctx context.Context, table, parentCol string, parentID int64, cols []string, n int, row func(i int) []any) error {
	if _, err := tx.exec(ctx, "DELETE FROM "+table+" WHERE "+parentCol+" = ?", parentID); err != nil {
		return err
	}
	q := insertRowSQL(table, slices.Concat([]string{parentCol}, cols))
	for i := range n {
		if _, err := tx.exec(ctx, q, append([]any{parentID}, row(i)...)...); err != nil {
			return err
		}
	}
	return nil
}
