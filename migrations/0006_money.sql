-- Up Migration

-- Merchant money settings. Amounts are minor units of the card's currency; percentages in basis points.
ALTER TABLE merchants
  ADD COLUMN fee_schedule jsonb NOT NULL DEFAULT
    '{"authorization_fixed": 100, "authorization_percent_bps": 100, "funding_fixed": 0, "funding_percent_bps": 0, "fx_percent_bps": 0}',
  ADD COLUMN authorization_mode text NOT NULL DEFAULT 'direct' CHECK (authorization_mode IN ('direct', 'reserve')),
  -- How far a clearing may exceed its hold, in basis points of the hold (network tolerance, e.g. tips).
  ADD COLUMN clearing_tolerance_bps integer NOT NULL DEFAULT 2000 CHECK (clearing_tolerance_bps BETWEEN 0 AND 10000),
  -- The sandbox test clock: this merchant's sandbox time is the real time plus this offset.
  ADD COLUMN sandbox_clock_offset_ms bigint NOT NULL DEFAULT 0 CHECK (sandbox_clock_offset_ms >= 0);

ALTER TABLE cards ADD COLUMN authorization_mode text CHECK (authorization_mode IN ('direct', 'reserve'));

-- Operator FX rates: 1 unit of from_currency = rate units of to_currency (major units).
CREATE TABLE fx_rates (
  from_currency text NOT NULL REFERENCES ledgers (currency),
  to_currency   text NOT NULL REFERENCES ledgers (currency),
  rate          numeric(24, 12) NOT NULL CHECK (rate > 0),
  updated_at    timestamptz NOT NULL,
  PRIMARY KEY (from_currency, to_currency),
  CHECK (from_currency <> to_currency)
);

CREATE TABLE spending_controls (
  merchant_id   text NOT NULL REFERENCES merchants (id),
  mode          text NOT NULL CHECK (mode IN ('sandbox', 'live')),
  owner_type    text NOT NULL CHECK (owner_type IN ('card', 'customer')),
  owner_id      text NOT NULL,
  controls      jsonb NOT NULL,
  updated_at    timestamptz NOT NULL,
  PRIMARY KEY (owner_type, owner_id)
);

-- The merchant's real-time authorization decision endpoint (one per mode).
CREATE TABLE authorization_endpoints (
  merchant_id   text NOT NULL REFERENCES merchants (id),
  mode          text NOT NULL CHECK (mode IN ('sandbox', 'live')),
  url           text NOT NULL,
  fallback      text NOT NULL CHECK (fallback IN ('approve', 'decline')),
  timeout_ms    integer NOT NULL CHECK (timeout_ms BETWEEN 100 AND 3000),
  secret_sealed bytea NOT NULL,
  updated_at    timestamptz NOT NULL,
  PRIMARY KEY (merchant_id, mode)
);

-- Authorization balance reservations (KrezyPay send_authorization).
CREATE TABLE reservations (
  id            text PRIMARY KEY,
  merchant_id   text NOT NULL REFERENCES merchants (id),
  mode          text NOT NULL,
  card_id       text NOT NULL REFERENCES cards (id),
  amount        bigint NOT NULL CHECK (amount > 0),
  fee           bigint NOT NULL CHECK (fee >= 0),
  status        text NOT NULL CHECK (status IN ('active', 'expired')),
  expires_at    timestamptz NOT NULL,
  returned      bigint,
  created_at    timestamptz NOT NULL
);
CREATE INDEX reservations_due ON reservations (expires_at) WHERE status = 'active';
CREATE INDEX reservations_card ON reservations (card_id) WHERE status = 'active';

CREATE TABLE authorizations (
  id               text PRIMARY KEY,
  merchant_id      text NOT NULL REFERENCES merchants (id),
  mode             text NOT NULL,
  card_id          text REFERENCES cards (id),
  customer_id      text,
  status           text NOT NULL CHECK (status IN ('pending', 'closed', 'declined', 'reversed', 'expired')),
  currency         text NOT NULL,
  -- what was asked, in the card's currency, and what is held now (0 once resolved)
  requested_amount bigint NOT NULL,
  approved_amount  bigint NOT NULL,
  held_amount      bigint NOT NULL,
  fee_held         bigint NOT NULL,
  cleared_amount   bigint NOT NULL DEFAULT 0,
  fee_charged      bigint NOT NULL DEFAULT 0,
  refunded_amount  bigint NOT NULL DEFAULT 0,
  merchant_amount  bigint NOT NULL,
  merchant_currency text NOT NULL,
  fx_rate          numeric(24, 12),
  merchant         jsonb NOT NULL,
  source           text NOT NULL CHECK (source IN ('available', 'reserve')),
  decision_source  text NOT NULL CHECK (decision_source IN ('tessera', 'merchant', 'fallback')),
  decline_reason   text,
  response_code    text NOT NULL,
  hold_seq         integer NOT NULL DEFAULT 0,
  expires_at       timestamptz,
  created_at       timestamptz NOT NULL,
  updated_at       timestamptz NOT NULL
);
CREATE INDEX authorizations_card ON authorizations (card_id, created_at);
CREATE INDEX authorizations_customer ON authorizations (customer_id, created_at);
CREATE INDEX authorizations_due ON authorizations (expires_at) WHERE status = 'pending';

-- Every money movement and every decline on a card or a wallet.
CREATE TABLE transactions (
  id                text PRIMARY KEY,
  merchant_id       text NOT NULL REFERENCES merchants (id),
  mode              text NOT NULL,
  card_id           text,
  type              text NOT NULL CHECK (type IN ('deposit', 'funding', 'withdrawal', 'reservation', 'reservation_release',
                      'authorization', 'increment', 'clearing', 'reversal', 'refund', 'force_post', 'fee', 'close_out', 'expiry')),
  status            text NOT NULL CHECK (status IN ('pending', 'completed', 'declined', 'reversed', 'expired')),
  amount            bigint NOT NULL,
  currency          text NOT NULL,
  merchant_amount   bigint,
  merchant_currency text,
  fee               bigint NOT NULL DEFAULT 0,
  merchant_name     text,
  merchant_mcc      text,
  merchant_country  text,
  response_code     text,
  decline_reason    text,
  authorization_id  text,
  reservation_id    text,
  created_at        timestamptz NOT NULL,
  updated_at        timestamptz NOT NULL
);
CREATE INDEX transactions_list ON transactions (merchant_id, mode, id);
CREATE INDEX transactions_card ON transactions (card_id, id);
CREATE INDEX transactions_authorization ON transactions (authorization_id);

-- Down Migration
DROP TABLE transactions;
DROP TABLE authorizations;
DROP TABLE reservations;
DROP TABLE authorization_endpoints;
DROP TABLE spending_controls;
DROP TABLE fx_rates;
ALTER TABLE cards DROP COLUMN authorization_mode;
ALTER TABLE merchants DROP COLUMN fee_schedule, DROP COLUMN authorization_mode, DROP COLUMN clearing_tolerance_bps, DROP COLUMN sandbox_clock_offset_ms;
