-- Up Migration

-- A response that carries a secret shown only once (an API key, a webhook or decision-endpoint signing
-- secret) is kept for replays sealed by the key provider, never in clear: body is NULL and body_sealed
-- holds the JSON text, with the row's scope, method, path, key and status as associated data, so a
-- sealed body cannot be moved to another row.
ALTER TABLE idempotency_keys ADD COLUMN body_sealed bytea;
ALTER TABLE idempotency_keys ADD CONSTRAINT idempotency_keys_one_body CHECK (body IS NULL OR body_sealed IS NULL);

-- Responses stored in clear before this migration may hold such secrets, and SQL cannot seal them: drop
-- them. Keys live 24 hours; a retry of one of these requests within that window acts again (a second
-- key or endpoint), which is the lesser harm than a secret left in every dump.
DELETE FROM idempotency_keys WHERE body::text ~ '(sk_(sandbox|live)_[A-Za-z0-9_-]{43}|whsec_)';

-- Down Migration
-- A sealed response cannot go back in clear without the key provider: those keys are dropped.
DELETE FROM idempotency_keys WHERE body_sealed IS NOT NULL;
ALTER TABLE idempotency_keys DROP CONSTRAINT idempotency_keys_one_body;
ALTER TABLE idempotency_keys DROP COLUMN body_sealed;
