import { isRetryable, TRANSACTION_ATTEMPTS_MAX, type Db, type Tx } from '../db/index.ts';
import { assert } from '../lib/assert.ts';
import { decodeResults, type TransferResult } from './codes.ts';
import * as store from './store.ts';
import { TRANSFERS_BATCH_MAX, type BatchOptions, type TransferInput } from './types.ts';
import { EXPIRY_ID_SUFFIX, FLAG_BITS, ledgerParam, transferFlagBits, validateTransfer } from './validate.ts';

function assertNow(opts: BatchOptions): void {
  assert(opts.now instanceof Date && !Number.isNaN(opts.now.getTime()), 'the ledger needs a valid `now`');
}

function assertBatch(size: number, opts: BatchOptions): void {
  assert(size <= TRANSFERS_BATCH_MAX, `a transfer batch holds at most ${TRANSFERS_BATCH_MAX} items, got ${size}`);
  assertNow(opts);
}

/** Turn a batch into the function's arrays; an item that failed a stateless check carries its code in `pre`. */
export function encodeTransfers(batch: readonly TransferInput[]): store.TransferParams {
  const p: store.TransferParams = {
    id: [], debit: [], credit: [], amount: [], pending: [], ledger: [], code: [], flags: [], timeout: [], userData: [], pre: [],
  };
  for (const t of batch) {
    const pre = validateTransfer(t);
    // An invalid item is never applied, but it still occupies its place (and its
    // chain); its fields are blanked so that nothing unrepresentable reaches SQL.
    const ok = pre === null;
    p.id.push(ok ? t.id : null);
    p.debit.push(ok ? t.debitAccountId ?? null : null);
    p.credit.push(ok ? t.creditAccountId ?? null : null);
    p.amount.push(ok ? t.amount ?? 0n : 0n);
    p.pending.push(ok ? t.pendingId ?? null : null);
    p.ledger.push(ok ? ledgerParam(t.ledger) : null);
    p.code.push(ok ? t.code ?? null : null);
    p.flags.push(transferFlagBits(t.flags));
    p.timeout.push(ok ? t.timeout ?? 0 : 0);
    p.userData.push(ok ? t.userData ?? null : null);
    p.pre.push(pre);
  }
  return p;
}

const decode = decodeResults;

/**
 * Apply a batch inside the caller's transaction: one statement, whatever the
 * batch size. Items are applied in order and each gets a result code; failed
 * items change nothing and do not stop the others (except within a linked
 * chain, which commits or fails as a whole).
 *
 * May throw a serialization failure (40001) when a concurrent transaction took
 * the same transfer id or resolved the same pending transfer first; Db.transaction
 * retries it, and the retry answers `exists` or `pending_transfer_already_*`.
 */
export async function createTransfers(tx: Tx, batch: readonly TransferInput[], opts: BatchOptions): Promise<TransferResult[]> {
  assertBatch(batch.length, opts);
  if (batch.length === 0) return [];
  return decode(await store.callCreateTransfers(tx, encodeTransfers(batch), opts.now), batch.length);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * createTransfers in a transaction of its own. The batch is a single statement,
 * so it runs as an implicit transaction: one round trip, no BEGIN/COMMIT.
 * Serialization failures and deadlocks are retried like Db.transaction does.
 */
export async function createTransfersTx(db: Db, batch: readonly TransferInput[], opts: BatchOptions): Promise<TransferResult[]> {
  assertBatch(batch.length, opts);
  if (batch.length === 0) return [];
  const params = encodeTransfers(batch);
  for (let attempt = 1; ; attempt++) {
    try {
      return decode(await store.callCreateTransfers(db, params, opts.now), batch.length);
    } catch (err) {
      if (attempt >= TRANSACTION_ATTEMPTS_MAX || !isRetryable(err)) throw err;
      await sleep(Math.random() * 10 * attempt);
    }
  }
}

export interface ExpiryOptions {
  now: Date;
  /** At most this many per call (default and maximum TRANSFERS_BATCH_MAX: one call is one batch); a job calls again while a call returns a full batch. */
  limit?: number;
}

export interface ExpiryResult {
  count: number;
  /** The ids of the pending transfers voided by this call. */
  ids: string[];
}

/**
 * Void pending transfers whose timeout has passed, oldest first. Each expiry
 * is a void transfer with id `<pending id>~expired`, so concurrent runs
 * cannot expire one twice and the account history shows the release.
 */
export async function expirePendingTransfers(tx: Tx, opts: ExpiryOptions): Promise<ExpiryResult> {
  const limit = opts.limit ?? TRANSFERS_BATCH_MAX;
  assert(Number.isSafeInteger(limit) && limit >= 1 && limit <= TRANSFERS_BATCH_MAX, `expiry limit must be 1–${TRANSFERS_BATCH_MAX}`);
  assertNow(opts);
  const due = await store.duePendingTransfers(tx, opts.now, limit);
  if (due.length === 0) return { count: 0, ids: [] };
  const nulls = due.map(() => null);
  const params: store.TransferParams = {
    id: due.map((pendingId) => `${pendingId}${EXPIRY_ID_SUFFIX}`), debit: nulls, credit: nulls, amount: due.map(() => 0n),
    pending: due, ledger: nulls, code: nulls, flags: due.map(() => FLAG_BITS.void_pending_transfer | FLAG_BITS.expiry),
    timeout: due.map(() => 0), userData: nulls, pre: nulls,
  };
  const results = decode(await store.callCreateTransfers(tx, params, opts.now), due.length);
  const ids: string[] = [];
  for (const r of results) {
    if (r.result === 'ok') ids.push(due[r.index]!);
    else {
      // Resolved by someone else between the two statements: nothing left to do.
      assert(
        ['exists', 'pending_transfer_already_posted', 'pending_transfer_already_voided', 'pending_transfer_expired'].includes(r.result),
        `expiring ${due[r.index]} answered ${r.result}`,
      );
    }
  }
  return { count: ids.length, ids };
}
