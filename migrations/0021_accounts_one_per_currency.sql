-- Up Migration

-- One account per customer and currency (issue 12). The facades open a customer's account implicitly
-- (accounts.ensureAccount), and two requests at once, or KrezyPay (which took the newest) and KazePay (the oldest),
-- could pick or open different accounts for one customer. The unique index makes the account of a customer and
-- currency one row, so INSERT … ON CONFLICT DO NOTHING settles a race without locks.
--
-- Earlier versions could make duplicates (POST /v1/customers/{id}/accounts twice in a currency, or those races),
-- and cards hang off them, so they are kept, not merged: the oldest (smallest id; ids are time-ordered) of each
-- customer and currency is the canonical account, and each other one names it in `duplicate_of`, which keeps it
-- out of the (partial) unique index. Nothing sets `duplicate_of` after this migration, so no new duplicate can exist.
ALTER TABLE accounts ADD COLUMN duplicate_of text REFERENCES accounts (id);

UPDATE accounts a SET duplicate_of = canonical.id
FROM (SELECT DISTINCT ON (customer_id, currency) customer_id, currency, id FROM accounts ORDER BY customer_id, currency, id) canonical
WHERE a.customer_id = canonical.customer_id AND a.currency = canonical.currency AND a.id <> canonical.id;

CREATE UNIQUE INDEX accounts_one_per_currency ON accounts (customer_id, currency) WHERE duplicate_of IS NULL;

-- Down Migration
DROP INDEX accounts_one_per_currency;
ALTER TABLE accounts DROP COLUMN duplicate_of;
