-- Up Migration

-- Notifications leave through provider adapters (issue 14 §3): a live message is queued, claimed by the jobs
-- leader under a lease, sent, and retried with backoff; the provider's message id links its delivery reports
-- back. Sandbox messages stay 'stored' in the outbox as before. E-mails (KYC results) carry a subject.
ALTER TABLE notifications
  ADD COLUMN subject             text CHECK (length(subject) BETWEEN 1 AND 200),
  ADD COLUMN attempts            integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  ADD COLUMN next_attempt_at     timestamptz,
  ADD COLUMN lease_until         timestamptz,
  -- What went wrong on the last attempt, for the operator; never the message body.
  ADD COLUMN last_error          text CHECK (length(last_error) <= 500),
  ADD COLUMN provider            text,
  ADD COLUMN provider_message_id text,
  ADD COLUMN updated_at          timestamptz;
ALTER TABLE notifications DROP CONSTRAINT notifications_status_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_status_check
  CHECK (status IN ('stored', 'queued', 'sent', 'delivered', 'failed'));
-- Live messages queued before this migration go out on the first pass.
UPDATE notifications SET next_attempt_at = created_at, updated_at = created_at WHERE status = 'queued';
UPDATE notifications SET updated_at = created_at WHERE updated_at IS NULL;
ALTER TABLE notifications ALTER COLUMN updated_at SET NOT NULL;
CREATE INDEX notifications_due ON notifications (next_attempt_at, id) WHERE status = 'queued';
CREATE UNIQUE INDEX notifications_provider_message ON notifications (provider, provider_message_id)
  WHERE provider_message_id IS NOT NULL;
-- The operator's view of sends by status (failed ones first of all).
CREATE INDEX notifications_status ON notifications (status, id);

-- The operator's SMS prices per mode and destination country, charged per segment from the wallet of `currency`.
CREATE TABLE sms_prices (
  mode              text NOT NULL CHECK (mode IN ('sandbox', 'live')),
  country           text NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
  currency          text NOT NULL REFERENCES ledgers (currency),
  -- Positive: a free SMS would still need a ledger hold to post or void, and nobody sends for nothing.
  price_per_segment bigint NOT NULL CHECK (price_per_segment > 0 AND price_per_segment <= 1000000),
  updated_at        timestamptz NOT NULL,
  PRIMARY KEY (mode, country)
);
-- Sandbox works out of the box: a default table in US dollars (cents per segment), near what SMS providers charge.
-- Live prices are the operator's to set (PUT /admin/v1/sms/prices); until then live SMS go nowhere.
INSERT INTO sms_prices (mode, country, currency, price_per_segment, updated_at) VALUES
  ('sandbox', 'US', 'USD', 1, now()), ('sandbox', 'CA', 'USD', 1, now()), ('sandbox', 'GB', 'USD', 4, now()),
  ('sandbox', 'FR', 'USD', 8, now()), ('sandbox', 'DE', 'USD', 9, now()), ('sandbox', 'CM', 'USD', 6, now()),
  ('sandbox', 'CI', 'USD', 7, now()), ('sandbox', 'SN', 'USD', 7, now()), ('sandbox', 'NG', 'USD', 4, now()),
  ('sandbox', 'GH', 'USD', 5, now()), ('sandbox', 'KE', 'USD', 3, now()), ('sandbox', 'ZA', 'USD', 2, now());

-- Numbers the operator refuses to send merchant SMS to (complaints, premium-rate fraud); every merchant and mode.
CREATE TABLE sms_blocked_numbers (
  number     text PRIMARY KEY CHECK (number ~ '^\+[1-9][0-9]{6,14}$'),
  reason     text CHECK (length(reason) BETWEEN 1 AND 500),
  created_at timestamptz NOT NULL
);

-- A merchant's SMS (issue 14 §2). The text lives only in its notification, sealed; this row has what is billed.
-- `price` is held on the wallet by the pending transfer `<id>:hold` to provider settlement, posted on delivery and
-- voided on failure.
CREATE TABLE sms_messages (
  id              text PRIMARY KEY,
  merchant_id     text NOT NULL REFERENCES merchants (id),
  mode            text NOT NULL CHECK (mode IN ('sandbox', 'live')),
  customer_id     text REFERENCES customers (id),
  notification_id text NOT NULL UNIQUE REFERENCES notifications (id),
  recipient       text NOT NULL CHECK (recipient ~ '^\+[1-9][0-9]{6,14}$'),
  country         text NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
  encoding        text NOT NULL CHECK (encoding IN ('GSM-7', 'UCS-2')),
  segments        integer NOT NULL CHECK (segments BETWEEN 1 AND 10),
  price           bigint NOT NULL CHECK (price > 0),
  currency        text NOT NULL,
  status          text NOT NULL CHECK (status IN ('queued', 'sent', 'delivered', 'failed')),
  failure_reason  text CHECK (length(failure_reason) <= 500),
  -- When the hold was posted or voided; null while the money is held.
  settled_at      timestamptz,
  created_at      timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL
);
CREATE INDEX sms_messages_owner ON sms_messages (merchant_id, mode, id);
-- The per-merchant rate counts the last minute's messages.
CREATE INDEX sms_messages_rate ON sms_messages (merchant_id, mode, created_at);
-- Messages left without a delivery report are charged after a while (src/sms, settleSilentSms).
CREATE INDEX sms_messages_unsettled ON sms_messages (updated_at) WHERE settled_at IS NULL;

-- Down Migration
DROP TABLE sms_messages;
DROP TABLE sms_blocked_numbers;
DROP TABLE sms_prices;
DROP INDEX notifications_status;
DROP INDEX notifications_provider_message;
DROP INDEX notifications_due;
-- 'delivered' did not exist before: such a message had been sent.
UPDATE notifications SET status = 'sent' WHERE status = 'delivered';
ALTER TABLE notifications DROP CONSTRAINT notifications_status_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_status_check CHECK (status IN ('stored', 'queued', 'sent', 'failed'));
ALTER TABLE notifications
  DROP COLUMN updated_at, DROP COLUMN provider_message_id, DROP COLUMN provider, DROP COLUMN last_error,
  DROP COLUMN lease_until, DROP COLUMN next_attempt_at, DROP COLUMN attempts, DROP COLUMN subject;
