-- +goose Up
-- The records of an import, found without reading the table: the records
-- kept in memory (offense_index.go) read only those of the imports done
-- since they were loaded. SQLite finds them by rowid, which grows with
-- each import, and needs no index; PostgreSQL has no such order.
CREATE INDEX offenses_import ON offenses(import_id);

-- +goose Down
DROP INDEX offenses_import;
