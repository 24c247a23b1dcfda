-- +goose Up
-- Imports commit their records in batches, hidden from readers until the
-- import is done (see offense_import.go). beat is the import's heartbeat while it
-- holds the import slot (offense_import_slot.go): positive while it writes,
-- -1 once revoked as dead, 0 otherwise.
ALTER TABLE offense_imports ADD COLUMN beat BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE offense_imports DROP COLUMN beat;
