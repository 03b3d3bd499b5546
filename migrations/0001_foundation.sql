-- Up Migration

CREATE TABLE merchants (
  id            text PRIMARY KEY,
  name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  live_access   boolean NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_keys (
  id            text PRIMARY KEY,
  merchant_id   text NOT NULL REFERENCES merchants (id),
  mode          text NOT NULL CHECK (mode IN ('sandbox', 'live')),
  scopes        text[] NOT NULL,
  -- SHA-256 of the whole key; the key itself is shown once and never stored.
  key_hash      bytea NOT NULL UNIQUE,
  -- The first characters of the key, so that an operator can tell keys apart.
  key_prefix    text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  revoked_at    timestamptz
);
CREATE INDEX api_keys_merchant ON api_keys (merchant_id, id);

CREATE TABLE idempotency_keys (
  -- merchant id, or 'admin' for the operator
  scope         text NOT NULL,
  method        text NOT NULL,
  path          text NOT NULL,
  key           text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
  fingerprint   bytea NOT NULL,
  status_code   integer NOT NULL,
  body          jsonb,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (scope, method, path, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

-- Append-only and hash-chained: each row's hash covers the previous row's hash.
CREATE TABLE audit_log (
  seq           bigint PRIMARY KEY,
  id            text NOT NULL UNIQUE,
  at            timestamptz NOT NULL,
  actor         text NOT NULL,
  action        text NOT NULL,
  target        text,
  result        text NOT NULL,
  origin        text,
  details       jsonb NOT NULL DEFAULT '{}',
  prev_hash     bytea NOT NULL,
  hash          bytea NOT NULL
);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only';
END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

-- Down Migration
DROP TABLE audit_log;
DROP FUNCTION audit_log_append_only;
DROP TABLE idempotency_keys;
DROP TABLE api_keys;
DROP TABLE merchants;
