-- Up Migration

-- A merchant's network settlement and fee revenue accounts are sharded (src/accounts/ledger-accounts.ts,
-- SETTLEMENT_SHARDS = 8): a card's money goes to shard (FNV-1a of its id) mod 8, so concurrent
-- authorization batches do not queue on one row. Shard 0 is the existing account; this adds shards 1–7,
-- empty, for every merchant that already has the accounts (new ones get them with their other accounts).
-- Existing pending holds stay on shard 0 and resolve there: a post or void follows its pending transfer.
INSERT INTO ledger_accounts (id, ledger, code, owner_merchant_id, owner_id, created_at)
SELECT a.id || ':' || s.shard, a.ledger, a.code, a.owner_merchant_id, a.owner_id, a.created_at
FROM ledger_accounts a CROSS JOIN generate_series(1, 7) AS s(shard)
WHERE a.code IN ('network_settlement', 'fee_revenue') AND a.owner_merchant_id IS NOT NULL
  AND a.id = a.owner_merchant_id || ':' || split_part(a.id, ':', 2) || ':' || split_part(a.id, ':', 3) || ':' || a.code
ON CONFLICT (id) DO NOTHING;

-- Down Migration
-- Only empty shards can go; a shard that money has moved through stays (the ledger keeps its history).
DELETE FROM ledger_accounts
WHERE code IN ('network_settlement', 'fee_revenue') AND id ~ ':[1-7]$'
  AND debits_pending = 0 AND debits_posted = 0 AND credits_pending = 0 AND credits_posted = 0;
