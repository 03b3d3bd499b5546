-- Up Migration

-- The transactional outbox: written in the same transaction as the change it reports.
CREATE TABLE events (
  id            text PRIMARY KEY,
  merchant_id   text NOT NULL REFERENCES merchants (id),
  mode          text NOT NULL CHECK (mode IN ('sandbox', 'live')),
  type          text NOT NULL,
  version       integer NOT NULL,
  data          jsonb NOT NULL,
  created_at    timestamptz NOT NULL
);
CREATE INDEX events_merchant ON events (merchant_id, mode, id);

CREATE TABLE customers (
  id              text PRIMARY KEY,
  merchant_id     text NOT NULL REFERENCES merchants (id),
  mode            text NOT NULL CHECK (mode IN ('sandbox', 'live')),
  first_name      text NOT NULL,
  last_name       text NOT NULL,
  email           text NOT NULL,
  phone_prefix    text NOT NULL,
  phone_number    text NOT NULL,
  phone_country   text NOT NULL,
  date_of_birth   date NOT NULL,
  address         jsonb NOT NULL,
  kyc_status      text NOT NULL DEFAULT 'NOT_STARTED'
                  CHECK (kyc_status IN ('NOT_STARTED', 'WAITING_KYC', 'PASSED', 'REJECTED')),
  created_at      timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL,
  -- KazePay names customers by email: one customer per email within a merchant's mode.
  UNIQUE (merchant_id, mode, email)
);
CREATE INDEX customers_list ON customers (merchant_id, mode, id);
CREATE INDEX customers_kyc ON customers (kyc_status, id);

-- Down Migration
DROP TABLE customers;
DROP TABLE events;
