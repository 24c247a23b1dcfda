-- +goose Up
-- The revision of a report's content, raised by every save: an edit names
-- the revision it was made from, and one made from an older revision is
-- refused (optimistic concurrency), so two people editing a report at once
-- no longer overwrite each other unseen. (version counts submissions.)
ALTER TABLE reports ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;

-- +goose Down
ALTER TABLE reports DROP COLUMN revision;
