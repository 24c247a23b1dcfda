-- +goose Up
-- The short reference shown beside figures computed from a population
-- ("National census 2022 (NSC KR)"); source stays the provenance.
ALTER TABLE territory_populations ADD COLUMN citation TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE territory_populations DROP COLUMN citation;
