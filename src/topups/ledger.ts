import type { Tx } from '../db/index.ts';
import { assert } from '../lib/assert.ts';
import { createTransfers, type TransferInput } from '../ledger/index.ts';
import { chainFailure, linked, moveMoney } from '../funding/index.ts';
import { ensureMerchantLedgerAccounts, ledgerOf, merchantAccountId } from '../accounts/index.ts';
import type { Owner, Topup } from './types.ts';

/**
 * A top-up's money (SPEC §2): held when it is sent, as two linked pending
 * transfers from the wallet, `<id>:price` to the merchant's provider
 * settlement account (what is owed to the provider) and `<id>:fee` to its fee
 * revenue; posted when the provider delivers, voided when it fails. Transfer
 * ids come from the top-up's id, so resolving twice is `exists`, never twice the money.
 */

const pendingIds = (t: Pick<Topup, 'id' | 'fee'>) => (t.fee > 0n ? [`${t.id}:price`, `${t.id}:fee`] : [`${t.id}:price`]);

/** Hold price + fee on the wallet; not enough there is a 422 insufficient_funds with nothing moved. */
export async function holdTopupMoney(tx: Tx, owner: Owner, t: Pick<Topup, 'id' | 'walletCurrency' | 'price' | 'fee'>, at: Date): Promise<void> {
  const ledger = await ledgerOf(tx, t.walletCurrency);
  assert(ledger, `the catalogue's wallet currency ${t.walletCurrency} has a ledger (foreign key)`);
  await ensureMerchantLedgerAccounts(tx, owner, t.walletCurrency, at);
  const wallet = merchantAccountId(owner, t.walletCurrency, 'wallet');
  const transfers: TransferInput[] = [{
    id: `${t.id}:price`, debitAccountId: wallet, creditAccountId: merchantAccountId(owner, t.walletCurrency, 'provider_settlement'),
    amount: t.price, ledger: ledger.ledger, code: 'topup', flags: ['pending'], userData: t.id,
  }];
  if (t.fee > 0n) {
    transfers.push({
      id: `${t.id}:fee`, debitAccountId: wallet, creditAccountId: merchantAccountId(owner, t.walletCurrency, 'fee_revenue'),
      amount: t.fee, ledger: ledger.ledger, code: 'topup_fee', flags: ['pending'], userData: t.id,
    });
  }
  await moveMoney(tx, transfers, at, 'the top-up: the wallet balance is too low');
}

/** Post (delivered) or void (failed) the top-up's holds, as one linked chain. */
export async function resolveTopupMoney(tx: Tx, t: Pick<Topup, 'id' | 'fee'>, how: 'post' | 'void', at: Date): Promise<void> {
  const flag = how === 'post' ? 'post_pending_transfer' : 'void_pending_transfer';
  const transfers: TransferInput[] = pendingIds(t).map((pendingId) => ({ id: `${pendingId}:${how}`, pendingId, flags: [flag], userData: t.id }));
  const failure = chainFailure(await createTransfers(tx, linked(transfers), { now: at }));
  // The holds never expire (no timeout) and only the locked, still pending top-up resolves them: any refusal is a bug.
  assert(failure === null, `resolving top-up ${t.id} (${how}) was refused by the ledger: ${failure}`);
}
