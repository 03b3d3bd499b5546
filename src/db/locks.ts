/**
 * Every process-wide PostgreSQL advisory lock id Tessera takes with a fixed
 * number, in one place so that two never share a number (a shared number
 * makes unrelated work wait on each other). Per-request locks (idempotency
 * keys, KazePay requestNo) hash their own ids and live in their own space.
 */
export const ADVISORY_LOCKS = {
  /** The audit chain: appends are serialized (transaction-scoped). */
  audit: 7_402_913_001n,
  /** First start: one demo merchant even when two servers start at once (transaction-scoped). */
  demoMerchant: 7_402_913_002n,
  /** The background jobs' leader (session-scoped, held for as long as the process leads). */
  jobsLeader: 7_402_913_003n,
} as const;
