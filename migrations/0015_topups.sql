-- Up Migration

-- The operator's airtime catalogue (SPEC §9, issue 14 §1), per mode: sandbox top-ups go to the in-process sandbox
-- provider, live ones to the configured provider, so each mode has its own products. A product is one mobile
-- operator in one country: the airtime `currency` (any ISO 4217 code: no money moves in it, so it needs no ledger),
-- either fixed `denominations` or a `min_amount`..`max_amount` range (minor units of `currency`), and its price in
-- the wallet currency: amount × `rate` (1 major unit of `currency` = rate major units of `wallet_currency`), plus a
-- fee of `fee_fixed` (wallet minor units) + `fee_percent_bps` of the price.
CREATE TABLE topup_products (
  mode                 text NOT NULL CHECK (mode IN ('sandbox', 'live')),
  country              text NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
  operator             text NOT NULL CHECK (length(operator) BETWEEN 1 AND 64),
  currency             text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  denominations        bigint[] CHECK (cardinality(denominations) BETWEEN 1 AND 50 AND 0 < ALL (denominations)),
  min_amount           bigint CHECK (min_amount > 0),
  max_amount           bigint CHECK (max_amount >= min_amount),
  wallet_currency      text NOT NULL REFERENCES ledgers (currency),
  rate                 numeric(24, 12) NOT NULL CHECK (rate > 0),
  fee_fixed            bigint NOT NULL CHECK (fee_fixed >= 0),
  fee_percent_bps      integer NOT NULL CHECK (fee_percent_bps BETWEEN 0 AND 10000),
  -- The provider's own id of the operator (Reloadly's operatorId); null: looked up by name from the provider.
  provider_operator_id text CHECK (length(provider_operator_id) BETWEEN 1 AND 64),
  updated_at           timestamptz NOT NULL,
  PRIMARY KEY (mode, country, operator),
  -- Exactly one way to choose an amount: a list, or a range.
  CHECK ((denominations IS NULL) = (min_amount IS NOT NULL AND max_amount IS NOT NULL)),
  CHECK ((min_amount IS NULL) = (max_amount IS NULL))
);

-- The default sandbox catalogue, so that top-ups work out of the box; the operator replaces it at will.
-- Cameroon is priced in USD at 1 XAF = 0.0017 USD (about 600 XAF to the dollar).
INSERT INTO topup_products (mode, country, operator, currency, denominations, min_amount, max_amount, wallet_currency, rate, fee_fixed, fee_percent_bps, updated_at) VALUES
  ('sandbox', 'US', 'AT&T',     'USD', '{500,1000,2000,5000}', NULL, NULL,  'USD', 1,      25, 200, now()),
  ('sandbox', 'US', 'T-Mobile', 'USD', NULL,                   500,  10000, 'USD', 1,      25, 200, now()),
  ('sandbox', 'CM', 'MTN',      'XAF', NULL,                   100,  50000, 'USD', 0.0017, 25, 200, now()),
  ('sandbox', 'CM', 'Orange',   'XAF', '{500,1000,2000,5000}', NULL, NULL,  'USD', 0.0017, 25, 200, now());

-- A top-up: money held on the wallet when it is sent (price → provider settlement, fee → fee revenue, as pending
-- transfers `<id>:price` and `<id>:fee`), posted when the provider delivers, voided when it fails. The jobs leader
-- hands it to the provider when `next_attempt_at` comes (sandbox: a short delay after creation), so a restart loses
-- nothing: a top-up still pending is picked up again, and one already submitted is looked up at the provider
-- before it is ever sent twice.
CREATE TABLE topups (
  id                   text PRIMARY KEY,
  merchant_id          text NOT NULL REFERENCES merchants (id),
  mode                 text NOT NULL CHECK (mode IN ('sandbox', 'live')),
  country              text NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
  operator             text NOT NULL,
  provider_operator_id text,
  phone                text NOT NULL CHECK (phone ~ '^\+[1-9][0-9]{4,14}$'),
  amount               bigint NOT NULL CHECK (amount > 0),
  currency             text NOT NULL,
  price                bigint NOT NULL CHECK (price > 0),
  fee                  bigint NOT NULL CHECK (fee >= 0),
  wallet_currency      text NOT NULL REFERENCES ledgers (currency),
  status               text NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
  failure_code         text,
  failure_message      text,
  provider             text NOT NULL CHECK (provider IN ('sandbox', 'reloadly')),
  provider_reference   text,
  attempts             integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  -- When it was first handed to the provider: from then on, a retry asks the provider before sending again.
  submitted_at         timestamptz,
  next_attempt_at      timestamptz,
  completed_at         timestamptz,
  created_at           timestamptz NOT NULL,
  updated_at           timestamptz NOT NULL,
  CHECK ((status = 'pending') = (completed_at IS NULL)),
  CHECK ((status = 'pending') = (next_attempt_at IS NOT NULL)),
  CHECK ((status = 'failed') = (failure_code IS NOT NULL))
);
CREATE INDEX topups_due ON topups (next_attempt_at) WHERE status = 'pending';
CREATE INDEX topups_merchant ON topups (merchant_id, mode, id);

-- Down Migration
-- Top-ups that moved money keep their ledger transfers (the ledger keeps its history); only the rows go.
DROP TABLE topups;
DROP TABLE topup_products;
