-- Up Migration

-- Webhook endpoints: per merchant and mode, like every other object.
CREATE TABLE webhook_endpoints (
  id                      text PRIMARY KEY,
  merchant_id             text NOT NULL REFERENCES merchants (id),
  mode                    text NOT NULL CHECK (mode IN ('sandbox', 'live')),
  url                     text NOT NULL CHECK (length(url) BETWEEN 1 AND 2048),
  description             text,
  events                  text[] NOT NULL,
  enabled                 boolean NOT NULL DEFAULT true,
  -- Why it is off: 'manual' (PATCH), 'failing' (5 days of failures), 'gone' (the receiver answered 410).
  disabled_reason         text CHECK (disabled_reason IN ('manual', 'failing', 'gone')),
  -- The signing secret, sealed by the key provider (it must be read back to sign, so it cannot be hashed).
  secret_sealed           bytea NOT NULL,
  -- After a rotation the old secret signs alongside the new one until previous_secret_expires_at.
  previous_secret_sealed  bytea,
  previous_secret_expires_at timestamptz,
  -- Start of the current run of failed attempts; null after any success.
  failing_since           timestamptz,
  created_at              timestamptz NOT NULL,
  updated_at              timestamptz NOT NULL,
  deleted_at              timestamptz
);
CREATE INDEX webhook_endpoints_list ON webhook_endpoints (merchant_id, mode, id) WHERE deleted_at IS NULL;

-- Fan-out marker on the outbox: null until the dispatcher has made a delivery row per subscribed endpoint.
ALTER TABLE events ADD COLUMN dispatched_at timestamptz;
CREATE INDEX events_undispatched ON events (id) WHERE dispatched_at IS NULL;

-- One event to one endpoint: the unit that is retried. A redelivery is a new row (same webhook-id).
CREATE TABLE webhook_deliveries (
  id              text PRIMARY KEY,
  event_id        text NOT NULL REFERENCES events (id),
  endpoint_id     text NOT NULL REFERENCES webhook_endpoints (id),
  status          text NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed', 'cancelled')),
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  -- A claimed delivery is leased; a dispatcher that dies mid-send loses the lease and another sends again.
  lease_until     timestamptz,
  created_at      timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_event ON webhook_deliveries (event_id);

-- Every attempt, kept for the merchant to inspect.
CREATE TABLE webhook_attempts (
  id              text PRIMARY KEY,
  delivery_id     text NOT NULL REFERENCES webhook_deliveries (id),
  endpoint_id     text NOT NULL REFERENCES webhook_endpoints (id),
  event_id        text NOT NULL REFERENCES events (id),
  attempt         integer NOT NULL,
  attempted_at    timestamptz NOT NULL,
  -- Null when there was no HTTP response (timeout, refused, blocked address).
  status_code     integer,
  latency_ms      integer NOT NULL,
  response_body   text,
  error           text,
  succeeded       boolean NOT NULL
);
CREATE INDEX webhook_attempts_endpoint ON webhook_attempts (endpoint_id, id);

-- Merchants' Ed25519 public keys for RFC 9421 request signatures, per merchant and mode.
CREATE TABLE signing_keys (
  id            text PRIMARY KEY,
  merchant_id   text NOT NULL REFERENCES merchants (id),
  mode          text NOT NULL CHECK (mode IN ('sandbox', 'live')),
  algorithm     text NOT NULL CHECK (algorithm = 'ed25519'),
  -- The raw 32-byte public key.
  public_key    bytea NOT NULL CHECK (length(public_key) = 32),
  created_at    timestamptz NOT NULL,
  deleted_at    timestamptz
);
CREATE INDEX signing_keys_merchant ON signing_keys (merchant_id, mode, id) WHERE deleted_at IS NULL;

CREATE TABLE signature_settings (
  merchant_id         text NOT NULL REFERENCES merchants (id),
  mode                text NOT NULL CHECK (mode IN ('sandbox', 'live')),
  require_signatures  boolean NOT NULL,
  updated_at          timestamptz NOT NULL,
  PRIMARY KEY (merchant_id, mode)
);

-- Nonces seen within the signature window; a second use inside it is a replay.
CREATE TABLE signature_nonces (
  merchant_id   text NOT NULL,
  mode          text NOT NULL,
  nonce         text NOT NULL,
  expires_at    timestamptz NOT NULL,
  PRIMARY KEY (merchant_id, mode, nonce)
);
CREATE INDEX signature_nonces_expiry ON signature_nonces (expires_at);

-- Down Migration
DROP TABLE signature_nonces;
DROP TABLE signature_settings;
DROP TABLE signing_keys;
DROP TABLE webhook_attempts;
DROP TABLE webhook_deliveries;
DROP INDEX events_undispatched;
ALTER TABLE events DROP COLUMN dispatched_at;
DROP TABLE webhook_endpoints;
