-- +goose Up
-- API tokens expire. Tokens issued before expiry existed get 90 days from
-- the upgrade rather than from their creation, so that no integration
-- stops the day the new version starts; code always sets the column, the
-- default (long past) only satisfies NOT NULL for the ALTER.
ALTER TABLE api_tokens ADD COLUMN expires_at TIMESTAMP NOT NULL DEFAULT '1970-01-01 00:00:00+00:00';
UPDATE api_tokens SET expires_at = strftime('%Y-%m-%d %H:%M:%S+00:00', 'now', '+90 days');

-- +goose Down
ALTER TABLE api_tokens DROP COLUMN expires_at;
