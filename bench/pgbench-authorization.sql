-- What one authorization does, as one transaction per request: hold the amount
-- on a card balance with a non-negative check, write the transfer, write the
-- outbox event. The database's own ceiling R in `npm run bench`
-- (init: bench/pgbench-authorization-init.sql; -D accounts=N picks the cards).
\set aid random(1, :accounts)
\set amt random(100, 2000)
BEGIN;
UPDATE bench_accounts SET debits = debits + :amt WHERE id = :aid AND credits - debits >= :amt;
INSERT INTO bench_transfers (id, debit_account_id, credit_account_id, amount, created_at)
  VALUES (gen_random_uuid()::text, :aid, 0, :amt, now());
INSERT INTO bench_outbox (id, type, data, created_at)
  VALUES (gen_random_uuid()::text, 'authorization.approved', jsonb_build_object('account', :aid::integer, 'amount', :amt::bigint), now());
END;
