import type { Queryable } from '../db/index.ts';
import { assert } from '../lib/assert.ts';
import { DomainError } from '../lib/errors.ts';
import * as store from './store.ts';
import { LOOKUP_IDS_MAX, type Account, type AccountCounters, type Ledger, type Transfer } from './types.ts';

/** Why 1,000: a page is one query; reconciliation pages through, the dashboard asks for far fewer. */
export const HISTORY_PAGE_MAX = 1_000;

function inOrder<T extends { id: string }>(ids: readonly string[], found: T[]): T[] {
  const byId = new Map(found.map((x) => [x.id, x]));
  const seen = new Set<string>();
  const out: T[] = [];
  for (const id of ids) {
    const x = byId.get(id);
    if (x && !seen.has(id)) {
      seen.add(id);
      out.push(x);
    }
  }
  return out;
}

/** The accounts that exist among `ids`, in the order asked (missing ids are left out). */
export async function lookupAccounts(q: Queryable, ids: readonly string[]): Promise<Account[]> {
  assert(ids.length <= LOOKUP_IDS_MAX, `lookupAccounts takes at most ${LOOKUP_IDS_MAX} ids`);
  return ids.length === 0 ? [] : inOrder(ids, await store.selectAccounts(q, ids));
}

/** The transfers that exist among `ids`, in the order asked (missing ids are left out). */
export async function lookupTransfers(q: Queryable, ids: readonly string[]): Promise<Transfer[]> {
  assert(ids.length <= LOOKUP_IDS_MAX, `lookupTransfers takes at most ${LOOKUP_IDS_MAX} ids`);
  return ids.length === 0 ? [] : inOrder(ids, await store.selectTransfers(q, ids));
}

export async function listLedgers(q: Queryable): Promise<Ledger[]> {
  return store.selectLedgers(q);
}

export interface AccountTransfersFilter {
  /** Include transfers that debit the account (default true). */
  debits?: boolean;
  /** Include transfers that credit the account (default true). */
  credits?: boolean;
  code?: string;
  timestampMin?: Date;
  timestampMax?: Date;
}

export interface AccountTransfersPage {
  limit: number;
  /** Cursor: the id of the last transfer of the previous page. */
  startingAfter?: string | null;
  /** Newest first (default) or oldest first. */
  order?: 'desc' | 'asc';
}

export interface AccountTransfer {
  transfer: Transfer;
  /** Which side of the transfer the account is on. */
  side: 'debit' | 'credit';
  /** The account's counters right after this transfer: the running balance. */
  balance: AccountCounters;
}

/** An account's history, with its counters after each transfer, paged by a cursor. */
export async function getAccountTransfers(
  q: Queryable, accountId: string, filter: AccountTransfersFilter, page: AccountTransfersPage,
): Promise<{ data: AccountTransfer[]; hasMore: boolean }> {
  assert(Number.isSafeInteger(page.limit) && page.limit >= 1 && page.limit <= HISTORY_PAGE_MAX, `history pages hold 1–${HISTORY_PAGE_MAX} rows`);
  let afterSeq: bigint | null = null;
  if (page.startingAfter != null) {
    afterSeq = await store.selectSeq(q, page.startingAfter);
    if (afterSeq === null) throw new DomainError('parameter_invalid', 'No such transfer to page after.', 'starting_after');
  }
  const rows = await store.selectHistory(q, {
    accountId, debits: filter.debits ?? true, credits: filter.credits ?? true, code: filter.code ?? null,
    timestampMin: filter.timestampMin ?? null, timestampMax: filter.timestampMax ?? null, afterSeq,
    descending: (page.order ?? 'desc') === 'desc', limit: page.limit + 1,
  });
  const data = rows.slice(0, page.limit).map((r) => ({ transfer: store.toTransfer(r), side: r.side, balance: store.countersAfter(r, r.side) }));
  return { data, hasMore: rows.length > page.limit };
}

/** Where a transfer stands: a single transfer is posted; a pending one is pending until a post or void resolves it. */
export type TransferState = 'pending' | 'posted' | 'voided';

export interface AccountHistoryEntry extends AccountTransfer {
  /** For a pending transfer, the post, void or expiry that resolved it; otherwise null. */
  resolvedBy: Transfer | null;
  state: TransferState;
}

export interface AccountHistory {
  account: Account;
  ledger: Ledger;
  data: AccountHistoryEntry[];
  hasMore: boolean;
}

export function transferState(transfer: Transfer, resolvedBy: Transfer | null): TransferState {
  const voids = (t: Transfer) => t.flags.includes('void_pending_transfer');
  if (transfer.flags.includes('pending')) {
    if (resolvedBy === null) return 'pending';
    return voids(resolvedBy) ? 'voided' : 'posted';
  }
  return voids(transfer) ? 'voided' : 'posted';
}

/**
 * An account's history as a reader sees it (the operator's console): newest first by default, each transfer with
 * its state, so a pending hold shows whether it was posted or released. Null when the account does not exist.
 * Four queries whatever the page size: the account, the page, the resolutions of its pending transfers, the ledgers.
 */
export async function getAccountHistory(
  q: Queryable, accountId: string, page: AccountTransfersPage,
): Promise<AccountHistory | null> {
  const [account] = await store.selectAccounts(q, [accountId]);
  if (!account) return null;
  const { data, hasMore } = await getAccountTransfers(q, accountId, {}, page);
  const pendingIds = data.filter((e) => e.transfer.flags.includes('pending')).map((e) => e.transfer.id);
  const resolutions = pendingIds.length === 0 ? [] : await store.selectResolutions(q, pendingIds);
  const byPending = new Map(resolutions.map((r) => [r.pendingId, r]));
  const ledger = (await store.selectLedgers(q)).find((l) => l.ledger === account.ledger);
  assert(ledger, `account ${account.id} is on ledger ${account.ledger}, which must exist`);
  const entries = data.map((e) => {
    const resolvedBy = byPending.get(e.transfer.id) ?? null;
    return { ...e, resolvedBy, state: transferState(e.transfer, resolvedBy) };
  });
  return { account, ledger, data: entries, hasMore };
}
