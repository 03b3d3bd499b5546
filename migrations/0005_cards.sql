-- Up Migration

-- Per-merchant card policy: how many live cards of each type (virtual, physical) one account may hold.
ALTER TABLE merchants ADD COLUMN cards_per_type_per_account integer NOT NULL DEFAULT 1
  CHECK (cards_per_type_per_account BETWEEN 1 AND 100);

-- A customer's account that cards hang off (seed 004). Balances live on the cards' ledger accounts.
CREATE TABLE accounts (
  id            text PRIMARY KEY,
  merchant_id   text NOT NULL REFERENCES merchants (id),
  mode          text NOT NULL CHECK (mode IN ('sandbox', 'live')),
  customer_id   text NOT NULL REFERENCES customers (id),
  currency      text NOT NULL REFERENCES ledgers (currency),
  created_at    timestamptz NOT NULL
);
CREATE INDEX accounts_customer ON accounts (customer_id, id);
CREATE INDEX accounts_list ON accounts (merchant_id, mode, id);

CREATE TABLE cards (
  id                   text PRIMARY KEY,
  merchant_id          text NOT NULL REFERENCES merchants (id),
  mode                 text NOT NULL CHECK (mode IN ('sandbox', 'live')),
  account_id           text NOT NULL REFERENCES accounts (id),
  customer_id          text NOT NULL REFERENCES customers (id),
  type                 text NOT NULL CHECK (type IN ('virtual', 'physical')),
  brand                text NOT NULL CHECK (brand IN ('VISA', 'MASTERCARD')),
  status               text NOT NULL CHECK (status IN ('PENDING_ACTIVATION', 'ACTIVE', 'INACTIVE', 'EXPIRED', 'TERMINATED', 'CLOSED', 'ARCHIVED')),
  tier                 text NOT NULL CHECK (tier IN ('standard', 'business')),
  currency             text NOT NULL,
  -- The PAN only sealed (envelope encryption, see src/crypto/vault.ts); a keyed fingerprint for uniqueness.
  pan_sealed           bytea NOT NULL,
  pan_fingerprint      text NOT NULL UNIQUE,
  bin                  text NOT NULL,
  last4                text NOT NULL,
  exp_month            smallint NOT NULL CHECK (exp_month BETWEEN 1 AND 12),
  exp_year             smallint NOT NULL,
  nickname             text,
  is_default           boolean NOT NULL DEFAULT false,
  is_recurring         boolean NOT NULL DEFAULT false,
  card_token           text NOT NULL UNIQUE,
  billing_address      jsonb NOT NULL,
  shipping_address     jsonb,
  shipment_status      text CHECK (shipment_status IN ('ordered', 'shipped', 'delivered')),
  shipment_tracking    text,
  -- PIN: only the IBM 3624 offset and the index of the key that made it.
  pin_offset           text,
  pin_pvki             text,
  pin_tries            smallint NOT NULL DEFAULT 0,
  pin_blocked          boolean NOT NULL DEFAULT false,
  -- Activation code: only its keyed hash; it exists in clear in the notification sent to the cardholder.
  activation_code_hash text,
  activation_tries     smallint NOT NULL DEFAULT 0,
  activation_locked    boolean NOT NULL DEFAULT false,
  from_stock           boolean NOT NULL DEFAULT false,
  available_account_id text NOT NULL REFERENCES ledger_accounts (id),
  reserve_account_id   text NOT NULL REFERENCES ledger_accounts (id),
  terminated_at        timestamptz,
  created_at           timestamptz NOT NULL,
  updated_at           timestamptz
);
CREATE INDEX cards_account ON cards (account_id, id);
CREATE INDEX cards_list ON cards (merchant_id, mode, id);
CREATE INDEX cards_customer ON cards (customer_id, id);
CREATE INDEX cards_expiry ON cards (exp_year, exp_month) WHERE status IN ('PENDING_ACTIVATION', 'ACTIVE', 'INACTIVE');

-- Pre-printed physical cards imported by the operator, waiting to be assigned (KazePay ucardAssign).
CREATE TABLE card_stock (
  pan_fingerprint   text PRIMARY KEY,
  pan_sealed        bytea NOT NULL,
  brand             text NOT NULL CHECK (brand IN ('VISA', 'MASTERCARD')),
  bin               text NOT NULL,
  last4             text NOT NULL,
  exp_month         smallint NOT NULL CHECK (exp_month BETWEEN 1 AND 12),
  exp_year          smallint NOT NULL,
  currency          text NOT NULL,
  assigned_card_id  text REFERENCES cards (id),
  imported_at       timestamptz NOT NULL
);

-- The notification channel's outbox (SPEC §9): sandbox messages are kept here for the API and dashboard.
CREATE TABLE notifications (
  id            text PRIMARY KEY,
  merchant_id   text NOT NULL REFERENCES merchants (id),
  mode          text NOT NULL CHECK (mode IN ('sandbox', 'live')),
  customer_id   text REFERENCES customers (id),
  channel       text NOT NULL CHECK (channel IN ('sms', 'email')),
  recipient     text NOT NULL,
  kind          text NOT NULL,
  -- The message may carry a one-time code: sealed like any secret.
  body_sealed   bytea NOT NULL,
  status        text NOT NULL CHECK (status IN ('stored', 'queued', 'sent', 'failed')),
  created_at    timestamptz NOT NULL
);
CREATE INDEX notifications_customer ON notifications (merchant_id, mode, customer_id, id);

-- Down Migration
DROP TABLE notifications;
DROP TABLE card_stock;
DROP TABLE cards;
DROP TABLE accounts;
ALTER TABLE merchants DROP COLUMN cards_per_type_per_account;
