/**
 * The double-entry ledger (SPEC §2): accounts with four counters, immutable
 * transfers, pending/post/void, linked chains, result codes, and the
 * invariant check. Every balance Tessera shows comes from here.
 */
export * from './types.ts';
export * from './codes.ts';
export { createAccounts, closeAccounts, type CloseResult } from './accounts.ts';
export {
  createTransfers, createTransfersTx, expirePendingTransfers, type ExpiryOptions, type ExpiryResult,
} from './transfers.ts';
export {
  lookupAccounts, lookupTransfers, listLedgers, getAccountTransfers, getAccountHistory, transferState, HISTORY_PAGE_MAX,
  type AccountTransfer, type AccountTransfersFilter, type AccountTransfersPage, type AccountHistory, type AccountHistoryEntry,
  type TransferState,
} from './reads.ts';
export { accountCountersJsonSql, ledgersJsonSql, createTransfersSql, type AccountCountersJson } from './batch.ts';
export { balance, balanceOf, normalSide, type Balance } from './balance.ts';
export {
  verifyLedger, VIOLATION_KINDS, VIOLATIONS_PER_CHECK_MAX, type LedgerTotals, type Violation, type ViolationKind, type VerifyReport,
} from './verify.ts';
