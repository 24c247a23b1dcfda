-- +goose Up
-- Open311 GET requests lists the newest moderated reports that are not
-- merged, filtered by category and status: this index answers it alone
-- (an index-only scan in the list's order), so only the rows shown are
-- then read from the table. It replaces resident_reports_public, whose
-- columns are its first two.
DROP INDEX resident_reports_public;
CREATE INDEX resident_reports_open311 ON resident_reports(published, created_at, category_id, status, duplicate_of);

-- +goose Down
DROP INDEX resident_reports_open311;
CREATE INDEX resident_reports_public ON resident_reports(published, created_at);
