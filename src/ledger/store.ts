import type { Queryable } from '../db/index.ts';
import { ACCOUNT_FLAGS, TRANSFER_FLAGS, type Account, type AccountCode, type AccountCounters, type AccountFlag, type Ledger, type Transfer, type TransferFlag } from './types.ts';

/**
 * The SQL of the ledger. node-postgres sends a bigint parameter as its decimal
 * text (pg/lib/utils.js prepareValue calls toString, also inside arrays), and
 * src/db/types.ts parses int8 back to bigint, so amounts never pass through a
 * JavaScript number.
 */

export interface TransferParams {
  id: (string | null)[];
  debit: (string | null)[];
  credit: (string | null)[];
  amount: bigint[];
  pending: (string | null)[];
  ledger: (number | null)[];
  code: (string | null)[];
  flags: number[];
  timeout: number[];
  userData: (string | null)[];
  pre: (string | null)[];
}

export async function callCreateTransfers(q: Queryable, p: TransferParams, now: Date): Promise<string[]> {
  const { rows } = await q.query<{ r: string[] }>(
    `SELECT ledger_create_transfers($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::integer[],
       $7::text[], $8::integer[], $9::integer[], $10::text[], $11::text[], $12::timestamptz) AS r`,
    [p.id, p.debit, p.credit, p.amount, p.pending, p.ledger, p.code, p.flags, p.timeout, p.userData, p.pre, now]);
  return rows[0]!.r;
}

export interface AccountParams {
  id: (string | null)[];
  ledger: (number | null)[];
  code: (string | null)[];
  dmnec: boolean[];
  cmned: boolean[];
  closed: boolean[];
  ownerMerchantId: (string | null)[];
  ownerId: (string | null)[];
  pre: (string | null)[];
}

export async function callCreateAccounts(q: Queryable, p: AccountParams, now: Date | null): Promise<string[]> {
  const { rows } = await q.query<{ r: string[] }>(
    `SELECT ledger_create_accounts($1::text[], $2::integer[], $3::text[], $4::boolean[], $5::boolean[], $6::boolean[],
       $7::text[], $8::text[], $9::text[], coalesce($10::timestamptz, now())) AS r`,
    [p.id, p.ledger, p.code, p.dmnec, p.cmned, p.closed, p.ownerMerchantId, p.ownerId, p.pre, now]);
  return rows[0]!.r;
}

/** Close accounts, locking them in the same order as ledger_create_transfers (limited by id, then unlimited by id). */
export async function closeAccounts(q: Queryable, ids: readonly string[]): Promise<Set<string>> {
  const { rows } = await q.query<{ id: string }>(
    `WITH locked AS MATERIALIZED (
       SELECT id FROM ledger_accounts WHERE id = ANY ($1::text[])
       ORDER BY (debits_must_not_exceed_credits OR credits_must_not_exceed_debits) DESC, id
       FOR NO KEY UPDATE)
     UPDATE ledger_accounts a SET closed = true FROM locked WHERE a.id = locked.id RETURNING a.id`, [ids]);
  return new Set(rows.map((r) => r.id));
}

export async function duePendingTransfers(q: Queryable, now: Date, limit: number): Promise<string[]> {
  const { rows } = await q.query<{ transfer_id: string }>(
    `SELECT transfer_id FROM ledger_pending_expiry WHERE expires_at <= $1 ORDER BY expires_at, transfer_id LIMIT $2`,
    [now, limit]);
  return rows.map((r) => r.transfer_id);
}

type AccountRow = {
  id: string; ledger: number; code: AccountCode; debits_must_not_exceed_credits: boolean;
  credits_must_not_exceed_debits: boolean; closed: boolean; debits_pending: bigint; debits_posted: bigint;
  credits_pending: bigint; credits_posted: bigint; owner_merchant_id: string | null; owner_id: string | null; created_at: Date;
};

export function toAccount(r: AccountRow): Account {
  const on: Record<AccountFlag, boolean> = {
    debits_must_not_exceed_credits: r.debits_must_not_exceed_credits,
    credits_must_not_exceed_debits: r.credits_must_not_exceed_debits,
    closed: r.closed,
  };
  return {
    id: r.id, ledger: r.ledger, code: r.code, flags: ACCOUNT_FLAGS.filter((f) => on[f]),
    debitsPending: r.debits_pending, debitsPosted: r.debits_posted, creditsPending: r.credits_pending, creditsPosted: r.credits_posted,
    ownerMerchantId: r.owner_merchant_id, ownerId: r.owner_id, createdAt: r.created_at,
  };
}

export type TransferRow = {
  seq: bigint; id: string; debit_account_id: string; credit_account_id: string; amount: bigint; pending_id: string | null;
  ledger: number; code: string; kind: 'single' | 'pending' | 'post' | 'void' | 'expiry'; linked: boolean; timeout: number;
  expires_at: Date | null; user_data: string | null; created_at: Date;
  dr_debits_pending: bigint; dr_debits_posted: bigint; dr_credits_pending: bigint; dr_credits_posted: bigint;
  cr_debits_pending: bigint; cr_debits_posted: bigint; cr_credits_pending: bigint; cr_credits_posted: bigint;
};

const KIND_FLAG: Record<TransferRow['kind'], TransferFlag | null> = {
  single: null, pending: 'pending', post: 'post_pending_transfer', void: 'void_pending_transfer', expiry: 'void_pending_transfer',
};

export function toTransfer(r: TransferRow): Transfer {
  const on = new Set<TransferFlag>();
  if (r.linked) on.add('linked');
  const kindFlag = KIND_FLAG[r.kind];
  if (kindFlag) on.add(kindFlag);
  return {
    id: r.id, debitAccountId: r.debit_account_id, creditAccountId: r.credit_account_id, amount: r.amount,
    pendingId: r.pending_id, ledger: r.ledger, code: r.code, flags: TRANSFER_FLAGS.filter((f) => on.has(f)),
    expiry: r.kind === 'expiry', timeout: r.timeout, expiresAt: r.expires_at, userData: r.user_data, timestamp: r.created_at,
  };
}

/** The counters of one side of a transfer row, right after the transfer. */
export function countersAfter(r: TransferRow, side: 'debit' | 'credit'): AccountCounters {
  return side === 'debit'
    ? { debitsPending: r.dr_debits_pending, debitsPosted: r.dr_debits_posted, creditsPending: r.dr_credits_pending, creditsPosted: r.dr_credits_posted }
    : { debitsPending: r.cr_debits_pending, debitsPosted: r.cr_debits_posted, creditsPending: r.cr_credits_pending, creditsPosted: r.cr_credits_posted };
}

export async function selectAccounts(q: Queryable, ids: readonly string[]): Promise<Account[]> {
  const { rows } = await q.query<AccountRow>('SELECT * FROM ledger_accounts WHERE id = ANY ($1::text[])', [ids]);
  return rows.map(toAccount);
}

export async function selectTransfers(q: Queryable, ids: readonly string[]): Promise<Transfer[]> {
  const { rows } = await q.query<TransferRow>('SELECT * FROM ledger_transfers WHERE id = ANY ($1::text[])', [ids]);
  return rows.map(toTransfer);
}

export async function selectLedgers(q: Queryable): Promise<Ledger[]> {
  const { rows } = await q.query<{ ledger: number; currency: string; scale: number }>(
    'SELECT ledger, currency, scale FROM ledgers ORDER BY ledger');
  return rows;
}

export interface HistoryQuery {
  accountId: string;
  debits: boolean;
  credits: boolean;
  code: string | null;
  timestampMin: Date | null;
  timestampMax: Date | null;
  /** Exclusive bound on seq, from the cursor transfer. */
  afterSeq: bigint | null;
  descending: boolean;
  limit: number;
}

/**
 * Each side is one index range scan on (account, seq), merged: an OR over the
 * two columns could not use the index order and would sort the whole history.
 */
export async function selectHistory(q: Queryable, h: HistoryQuery): Promise<(TransferRow & { side: 'debit' | 'credit' })[]> {
  const cmp = h.descending ? '<' : '>';
  const dir = h.descending ? 'DESC' : 'ASC';
  const side = (column: string, name: string, on: string) => `(
    SELECT t.*, '${name}' AS side FROM ledger_transfers t
    WHERE ${on} AND t.${column} = $1 AND ($2::bigint IS NULL OR t.seq ${cmp} $2)
      AND ($3::text IS NULL OR t.code = $3) AND ($4::timestamptz IS NULL OR t.created_at >= $4)
      AND ($5::timestamptz IS NULL OR t.created_at <= $5)
    ORDER BY t.seq ${dir} LIMIT $6)`;
  const { rows } = await q.query<TransferRow & { side: 'debit' | 'credit' }>(
    `SELECT * FROM (${side('debit_account_id', 'debit', '$7::boolean')} UNION ALL ${side('credit_account_id', 'credit', '$8::boolean')}) x
     ORDER BY seq ${dir} LIMIT $6`,
    [h.accountId, h.afterSeq, h.code, h.timestampMin, h.timestampMax, h.limit, h.debits, h.credits]);
  return rows;
}

/** The posts, voids and expiries that resolved these pending transfers (at most one each: a unique index). */
export async function selectResolutions(q: Queryable, pendingIds: readonly string[]): Promise<Transfer[]> {
  const { rows } = await q.query<TransferRow>('SELECT * FROM ledger_transfers WHERE pending_id = ANY ($1::text[])', [pendingIds]);
  return rows.map(toTransfer);
}

export async function selectSeq(q: Queryable, transferId: string): Promise<bigint | null> {
  const { rows } = await q.query<{ seq: bigint }>('SELECT seq FROM ledger_transfers WHERE id = $1', [transferId]);
  return rows[0]?.seq ?? null;
}
