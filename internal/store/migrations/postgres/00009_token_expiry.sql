-- +goose Up
-- API tokens expire. Tokens issued before expiry existed get 90 days from
-- the upgrade rather than from their creation, so that no integration
-- stops the day the new version starts.
ALTER TABLE api_tokens ADD COLUMN expires_at TIMESTAMPTZ;
UPDATE api_tokens SET expires_at = now() + interval '90 days';
ALTER TABLE api_tokens ALTER COLUMN expires_at SET NOT NULL;

-- +goose Down
ALTER TABLE api_tokens DROP COLUMN expires_at;
