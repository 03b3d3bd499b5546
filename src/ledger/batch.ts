import type { Statement } from '../db/index.ts';
import { decodeResults, type TransferResult } from './codes.ts';
import { assert } from '../lib/assert.ts';
import { encodeTransfers } from './transfers.ts';
import { TRANSFERS_BATCH_MAX, type TransferInput } from './types.ts';

/**
 * The ledger's parts of a composed statement (db/statement.ts): the
 * authorization batch reads account counters and ledgers with its other reads,
 * and applies its holds in the same statement as its inserts.
 */

/** Counters (as text: int8 never passes through a double) of the accounts a subquery names, as one JSON array. */
export function accountCountersJsonSql(accountIdsSubquery: string): string {
  return `(SELECT COALESCE(json_agg(json_build_object('id', id, 'dp', debits_pending::text, 'dpo', debits_posted::text,
            'cp', credits_pending::text, 'cpo', credits_posted::text)), '[]')
          FROM ledger_accounts WHERE id IN (${accountIdsSubquery}))`;
}

export interface AccountCountersJson { id: string; dp: string; dpo: string; cp: string; cpo: string }

/** Every ledger (currency, number, scale) as one JSON array: a handful of rows. */
export function ledgersJsonSql(): string {
  return `(SELECT COALESCE(json_agg(json_build_object('currency', currency, 'ledger', ledger, 'scale', scale)), '[]') FROM ledgers)`;
}

/** createTransfers as an expression (its result codes, a text[]), and how to read them. */
export function createTransfersSql(s: Statement, batch: readonly TransferInput[], now: Date): { expr: string; decode(codes: string[]): TransferResult[] } {
  assert(batch.length <= TRANSFERS_BATCH_MAX, `a transfer batch holds at most ${TRANSFERS_BATCH_MAX} items, got ${batch.length}`);
  const p = encodeTransfers(batch);
  const expr = `ledger_create_transfers(${s.param(p.id, 'text[]')}, ${s.param(p.debit, 'text[]')}, ${s.param(p.credit, 'text[]')},
    ${s.param(p.amount, 'bigint[]')}, ${s.param(p.pending, 'text[]')}, ${s.param(p.ledger, 'integer[]')}, ${s.param(p.code, 'text[]')},
    ${s.param(p.flags, 'integer[]')}, ${s.param(p.timeout, 'integer[]')}, ${s.param(p.userData, 'text[]')}, ${s.param(p.pre, 'text[]')},
    ${s.param(now, 'timestamptz')})`;
  return { expr, decode: (codes) => decodeResults(codes, batch.length) };
}
