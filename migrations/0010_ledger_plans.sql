-- Up Migration

-- PL/pgSQL caches one plan per statement and connection. For the transfer-id
-- lookups inside these functions a generic plan made while ledger_transfers was
-- nearly empty scans the whole table on every call, long after it has grown
-- (found by npm run bench). Custom plans are made with the actual arrays and
-- the current statistics, and cost a few hundred microseconds per call.
ALTER FUNCTION ledger_create_transfers(text[], text[], text[], bigint[], text[], integer[], text[], integer[], integer[], text[], text[], timestamptz)
  SET plan_cache_mode = force_custom_plan;
ALTER FUNCTION ledger_create_accounts(text[], integer[], text[], boolean[], boolean[], boolean[], text[], text[], text[], timestamptz)
  SET plan_cache_mode = force_custom_plan;

-- Down Migration
ALTER FUNCTION ledger_create_transfers(text[], text[], text[], bigint[], text[], integer[], text[], integer[], integer[], text[], text[], timestamptz)
  RESET plan_cache_mode;
ALTER FUNCTION ledger_create_accounts(text[], integer[], text[], boolean[], boolean[], boolean[], text[], text[], text[], timestamptz)
  RESET plan_cache_mode;
