import type { Tx } from '../db/index.ts';
import { assert } from '../lib/assert.ts';
import { createTransfers } from '../ledger/index.ts';
import { chainFailure, moveMoney } from '../funding/index.ts';
import { ensureMerchantLedgerAccounts, ledgerOf, merchantAccountId } from '../accounts/index.ts';
import type { Owner, Sms } from './types.ts';

/**
 * An SMS's money (SPEC §2): one pending transfer `<id>:hold` of the price
 * from the merchant's wallet to its provider settlement account (what is owed
 * to the SMS provider), posted on delivery, voided on failure. No fee: the
 * operator's margin is in its price table. Ids come from the message's id, so
 * resolving twice is `exists`, never twice the money.
 */

const holdId = (smsId: string) => `${smsId}:hold`;

/** Not enough in the wallet is a 422 insufficient_funds with nothing moved. */
export async function holdSmsPrice(tx: Tx, owner: Owner, sms: { id: string; currency: string; price: bigint }, at: Date): Promise<void> {
  const ledger = await ledgerOf(tx, sms.currency);
  assert(ledger, `the price table's currency ${sms.currency} has a ledger (foreign key)`);
  await ensureMerchantLedgerAccounts(tx, owner, sms.currency, at);
  await moveMoney(tx, [{
    id: holdId(sms.id), debitAccountId: merchantAccountId(owner, sms.currency, 'wallet'),
    creditAccountId: merchantAccountId(owner, sms.currency, 'provider_settlement'), amount: sms.price, ledger: ledger.ledger,
    // No timeout: only the message's final status (or settleSilentSms) resolves it.
    code: 'sms', flags: ['pending'], userData: sms.id,
  }], at, 'the SMS: the wallet balance is too low');
}

export async function resolveSmsPrice(tx: Tx, sms: Pick<Sms, 'id'>, how: 'post' | 'void', at: Date): Promise<void> {
  const results = await createTransfers(tx, [{
    id: `${holdId(sms.id)}:${how}`, pendingId: holdId(sms.id), code: how === 'post' ? 'sms_delivered' : 'sms_failed',
    flags: [how === 'post' ? 'post_pending_transfer' : 'void_pending_transfer'], userData: sms.id,
  }], { now: at });
  const failure = chainFailure(results);
  // The hold never expires and only the locked, unsettled message resolves it: any refusal is a bug.
  assert(failure === null, `resolving SMS ${sms.id} (${how}) was refused by the ledger: ${failure}`);
}
