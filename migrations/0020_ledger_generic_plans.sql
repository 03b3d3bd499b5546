-- Up Migration

-- 0010 made ledger_create_transfers replan every statement on every call (force_custom_plan), because a
-- generic plan cached while ledger_transfers was nearly empty went on scanning the whole table. Replanning costs
-- about 1 ms per call, a fifth of a small authorization batch. Its statements only ever look rows up by key, so
-- forbidding sequential scans inside the function (enable_seqscan = off makes them a last resort) keeps the
-- cached generic plans on the indexes at any table size, and the plans are reused again. Measured on the
-- authorization batch (PostgreSQL 15, 64 cards, after 6,400 authorizations): 8 items 6.1 -> 5.1 ms,
-- 32 items 15.6 -> 13.7 ms, 128 items 45.5 -> 43.0 ms.
ALTER FUNCTION ledger_create_transfers(text[], text[], text[], bigint[], text[], integer[], text[], integer[], integer[], text[], text[], timestamptz)
  RESET plan_cache_mode;
ALTER FUNCTION ledger_create_transfers(text[], text[], text[], bigint[], text[], integer[], text[], integer[], integer[], text[], text[], timestamptz)
  SET enable_seqscan = off;

-- Down Migration
ALTER FUNCTION ledger_create_transfers(text[], text[], text[], bigint[], text[], integer[], text[], integer[], integer[], text[], text[], timestamptz)
  RESET enable_seqscan;
ALTER FUNCTION ledger_create_transfers(text[], text[], text[], bigint[], text[], integer[], text[], integer[], integer[], text[], text[], timestamptz)
  SET plan_cache_mode = force_custom_plan;
