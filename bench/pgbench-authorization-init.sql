-- Init for bench/pgbench-authorization.sql (run once in a scratch database by
-- `npm run bench`, or by hand: psql -v accounts=200 -f bench/pgbench-authorization-init.sql).
-- The shape follows Tessera's ledger (migrations/0002_ledger.sql) and outbox
-- (0003_events_customers.sql), reduced to what one authorization must touch:
-- a balance guarded by a non-negative check, an immutable transfer row keyed
-- by a text id, and an event row carrying a JSON payload.
SET client_min_messages = warning;
DROP TABLE IF EXISTS bench_outbox, bench_transfers, bench_accounts;

CREATE TABLE bench_accounts (
  id       integer PRIMARY KEY,
  debits   bigint NOT NULL DEFAULT 0 CHECK (debits >= 0),
  credits  bigint NOT NULL DEFAULT 0 CHECK (credits >= 0),
  CHECK (debits <= credits)
);

CREATE TABLE bench_transfers (
  seq                bigint GENERATED ALWAYS AS IDENTITY,
  id                 text PRIMARY KEY,
  debit_account_id   integer NOT NULL,
  credit_account_id  integer NOT NULL,
  amount             bigint NOT NULL CHECK (amount > 0),
  created_at         timestamptz NOT NULL
);
CREATE INDEX bench_transfers_debits ON bench_transfers (debit_account_id, seq);

CREATE TABLE bench_outbox (
  id          text PRIMARY KEY,
  type        text NOT NULL,
  data        jsonb NOT NULL,
  created_at  timestamptz NOT NULL
);

-- Account 0 is the credit side (network settlement); it is never updated, so
-- clients contend only on the card balances they draw, as in the issue's script.
INSERT INTO bench_accounts (id, credits) SELECT g, 1000000000000000 FROM generate_series(0, :accounts) AS g;
VACUUM ANALYZE bench_accounts;
