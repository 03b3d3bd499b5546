import type { Tx } from '../db/index.ts';
import { assert } from '../lib/assert.ts';
import { ACCOUNT_RESULTS, type AccountResult, type AccountResultCode } from './codes.ts';
import * as store from './store.ts';
import { ACCOUNTS_BATCH_MAX, type AccountInput } from './types.ts';
import { validateAccount } from './validate.ts';

const KNOWN_RESULTS = new Set<string>(ACCOUNT_RESULTS);

/**
 * Create accounts in order, one result per item. Counters start at zero.
 * Resubmitting an account answers `exists`; the same id with other fields
 * answers `exists_with_different_fields` and changes nothing.
 */
export async function createAccounts(tx: Tx, batch: readonly AccountInput[], opts: { now?: Date } = {}): Promise<AccountResult[]> {
  assert(batch.length <= ACCOUNTS_BATCH_MAX, `an account batch holds at most ${ACCOUNTS_BATCH_MAX} items, got ${batch.length}`);
  if (batch.length === 0) return [];
  const p: store.AccountParams = {
    id: [], ledger: [], code: [], dmnec: [], cmned: [], closed: [], ownerMerchantId: [], ownerId: [], pre: [],
  };
  for (const a of batch) {
    const pre = validateAccount(a);
    const flags = pre === null ? a.flags ?? [] : [];
    p.id.push(pre === null ? a.id : null);
    p.ledger.push(pre === null && Number.isSafeInteger(a.ledger) && Math.abs(a.ledger) < 2 ** 31 ? a.ledger : null);
    p.code.push(pre === null ? a.code : null);
    p.dmnec.push(flags.includes('debits_must_not_exceed_credits'));
    p.cmned.push(flags.includes('credits_must_not_exceed_debits'));
    p.closed.push(flags.includes('closed'));
    p.ownerMerchantId.push(pre === null ? a.ownerMerchantId ?? null : null);
    p.ownerId.push(pre === null ? a.ownerId ?? null : null);
    p.pre.push(pre);
  }
  const codes = await store.callCreateAccounts(tx, p, opts.now ?? null);
  assert(codes.length === batch.length, `ledger_create_accounts returned ${codes.length} results for ${batch.length} items`);
  return codes.map((result, index) => {
    assert(KNOWN_RESULTS.has(result), `unknown account result ${JSON.stringify(result)}`);
    return { index, result: result as AccountResultCode };
  });
}

export type CloseResult = { index: number; result: 'ok' | 'account_not_found' };

/**
 * Close accounts: no new transfer may touch them, and pending transfers on
 * them can no longer be posted, only voided (or expire). Closing twice is ok.
 * Move what is left out first if it must go somewhere (SPEC §2 close a card).
 */
export async function closeAccounts(tx: Tx, ids: readonly string[]): Promise<CloseResult[]> {
  assert(ids.length <= ACCOUNTS_BATCH_MAX, `closeAccounts takes at most ${ACCOUNTS_BATCH_MAX} ids`);
  if (ids.length === 0) return [];
  const closed = await store.closeAccounts(tx, ids);
  return ids.map((id, index) => ({ index, result: closed.has(id) ? 'ok' : 'account_not_found' }));
}
