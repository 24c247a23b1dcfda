-- +goose Up
-- A failed import keeps its error as a message key with its arguments, so
-- that the log shows it in the reader's language.
ALTER TABLE offense_imports ADD COLUMN error_args text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE offense_imports DROP COLUMN error_args;
