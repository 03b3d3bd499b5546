import type { Queryable, Tx } from '../db/index.ts';
import { DomainError } from '../lib/errors.ts';
import { newId } from '../lib/ids.ts';
import { toJsonNumber } from '../lib/money.ts';
import type { ActionContext } from '../lib/context.ts';
import { appendEvent } from '../events/index.ts';
import { balance, lookupAccounts, type TransferInput } from '../ledger/index.ts';
import { cardSettlementAccountId, ensureMerchantLedgerAccounts, ledgerOf, merchantAccountId } from '../accounts/index.ts';
import { applyStatus, getCard, type Card } from '../cards/index.ts';
import type { Owner } from '../customers/index.ts';
import { authorizationFee, fundingFee, moneySettingsOf } from '../fees/index.ts';
import { recordTransaction, type Transaction } from '../transactions/index.ts';
import { moveMoney } from './ledger.ts';

export { linked, chainFailure, moveMoney } from './ledger.ts';
export { reserve, estimateReservation, expireReservations, RESERVATION_TTL_SECONDS } from './reservations.ts';

const CLOSED_FOR_MONEY = ['TERMINATED', 'CLOSED', 'ARCHIVED'];

export interface Wallet {
  currency: string;
  available: bigint;
}

/** The merchant's wallets of one mode, one per currency it has used, with balances from the ledger. */
export async function listWallets(q: Queryable, owner: Owner): Promise<Wallet[]> {
  const { rows } = await q.query<{ id: string }>(
    `SELECT id FROM ledger_accounts WHERE owner_merchant_id = $1 AND code = 'merchant_wallet' AND id LIKE $2 ORDER BY id`,
    [owner.merchantId, `${owner.merchantId}:${owner.mode}:%`]);
  const accounts = await lookupAccounts(q, rows.map((r) => r.id));
  return accounts.map((a) => ({ currency: a.id.split(':')[2]!, available: balance(a).available }));
}

async function walletUpdated(tx: Tx, owner: Owner, currency: string, at: Date): Promise<void> {
  const [account] = await lookupAccounts(tx, [merchantAccountId(owner, currency, 'wallet')]);
  await appendEvent(tx, {
    ...owner, type: 'wallet.updated', at,
    object: { object: 'wallet', currency, available: toJsonNumber(account ? balance(account).available : 0n) },
  });
}

async function requireLedger(q: Queryable, currency: string) {
  const ledger = await ledgerOf(q, currency);
  if (!ledger) throw new DomainError('parameter_invalid', `Currency ${currency} is not supported; use an ISO 4217 code such as USD.`, 'currency');
  return ledger;
}

/** Money from outside into a merchant wallet (sandbox simulation, or the operator's credit). */
export async function deposit(tx: Tx, owner: Owner, currency: string, amount: bigint, ctx: ActionContext): Promise<Transaction> {
  const ledger = await requireLedger(tx, currency);
  await ensureMerchantLedgerAccounts(tx, owner, currency, ctx.at);
  const id = newId('transaction');
  await moveMoney(tx, [{
    id: `${id}:main`, debitAccountId: merchantAccountId(owner, currency, 'external_funding'), creditAccountId: merchantAccountId(owner, currency, 'wallet'),
    amount, ledger: ledger.ledger, code: 'deposit', userData: id,
  }], ctx.at, 'a deposit');
  const txn = await recordTransaction(tx, { id, ...owner, cardId: null, type: 'deposit', status: 'completed', amount, currency }, ctx.at);
  await walletUpdated(tx, owner, currency, ctx.at);
  return txn;
}

async function cardForMoney(tx: Tx, owner: Owner, cardId: string): Promise<Card> {
  const card = await getCard(tx, owner, cardId, { forUpdate: true }); // every money movement on a card takes its row lock
  if (CLOSED_FOR_MONEY.includes(card.status)) {
    throw new DomainError('invalid_card_status', `The card is ${card.status}; money can no longer move onto or off it.`, undefined, { status: card.status });
  }
  return card;
}

/** Wallet → card available, plus the funding fee (if the schedule has one) to fee revenue; linked. */
export async function fundCard(tx: Tx, owner: Owner, cardId: string, amount: bigint, ctx: ActionContext): Promise<Transaction> {
  const card = await cardForMoney(tx, owner, cardId);
  const ledger = await requireLedger(tx, card.currency);
  const fee = fundingFee(amount, (await moneySettingsOf(tx, owner.merchantId)).feeSchedule);
  const id = newId('transaction');
  const wallet = merchantAccountId(owner, card.currency, 'wallet');
  const transfers: TransferInput[] = [{ id: `${id}:main`, debitAccountId: wallet, creditAccountId: card.availableAccountId, amount, ledger: ledger.ledger, code: 'funding', userData: id }];
  if (fee > 0n) transfers.push({ id: `${id}:fee`, debitAccountId: wallet, creditAccountId: cardSettlementAccountId(owner, card.currency, 'fee_revenue', card.id), amount: fee, ledger: ledger.ledger, code: 'funding_fee', userData: id });
  await ensureMerchantLedgerAccounts(tx, owner, card.currency, ctx.at);
  await moveMoney(tx, transfers, ctx.at, 'funding the card: the wallet balance is too low');
  const txn = await recordTransaction(tx, { id, ...owner, cardId: card.id, type: 'funding', status: 'completed', amount, currency: card.currency, fee }, ctx.at);
  await walletUpdated(tx, owner, card.currency, ctx.at);
  return txn;
}

/** Card available → wallet. */
export async function withdraw(tx: Tx, owner: Owner, cardId: string, amount: bigint, ctx: ActionContext): Promise<Transaction> {
  const card = await cardForMoney(tx, owner, cardId);
  const ledger = await requireLedger(tx, card.currency);
  const id = newId('transaction');
  await moveMoney(tx, [{
    id: `${id}:main`, debitAccountId: card.availableAccountId, creditAccountId: merchantAccountId(owner, card.currency, 'wallet'),
    amount, ledger: ledger.ledger, code: 'withdrawal', userData: id,
  }], ctx.at, 'the withdrawal: the card balance is too low');
  const txn = await recordTransaction(tx, { id, ...owner, cardId: card.id, type: 'withdrawal', status: 'completed', amount, currency: card.currency }, ctx.at);
  await walletUpdated(tx, owner, card.currency, ctx.at);
  return txn;
}

export interface CardBalance {
  currency: string;
  available: bigint;
  authorizationBalance: bigint;
  /** Money held by pending authorizations, on either account. */
  pendingHolds: bigint;
}

export async function cardBalance(q: Queryable, owner: Owner, cardId: string): Promise<CardBalance> {
  const card = await getCard(q, owner, cardId);
  const accounts = await lookupAccounts(q, [card.availableAccountId, card.reserveAccountId]);
  const available = balance(accounts.find((a) => a.id === card.availableAccountId)!);
  const reserve = balance(accounts.find((a) => a.id === card.reserveAccountId)!);
  return { currency: card.currency, available: available.available, authorizationBalance: reserve.available, pendingHolds: available.held + reserve.held };
}

/**
 * Close a card (KazePay closeCard): whatever is spendable on it, available and
 * reserve, returns to the wallet; the card ends CLOSED. Holds already pending
 * stay and can still clear. Returns the refund and its transaction.
 */
export async function closeCard(tx: Tx, owner: Owner, cardId: string, ctx: ActionContext): Promise<{ card: Card; refunded: bigint; transaction: Transaction }> {
  const card = await getCard(tx, owner, cardId, { forUpdate: true });
  const closed = await applyStatus(tx, card, 'close', ctx);
  const ledger = await requireLedger(tx, card.currency);
  const accounts = await lookupAccounts(tx, [card.availableAccountId, card.reserveAccountId]);
  const id = newId('transaction');
  const wallet = merchantAccountId(owner, card.currency, 'wallet');
  const transfers: TransferInput[] = [];
  let refunded = 0n;
  for (const a of accounts) {
    const spendable = balance(a).available;
    if (spendable > 0n) {
      transfers.push({ id: `${id}:${a.code}`, debitAccountId: a.id, creditAccountId: wallet, amount: spendable, ledger: ledger.ledger, code: 'close_out', userData: id });
      refunded += spendable;
    }
  }
  if (transfers.length > 0) await moveMoney(tx, transfers, ctx.at, 'closing the card');
  await tx.query("UPDATE reservations SET status = 'expired', returned = 0 WHERE card_id = $1 AND status = 'active'", [card.id]);
  const txn = await recordTransaction(tx, { id, ...owner, cardId: card.id, type: 'close_out', status: 'completed', amount: refunded, currency: card.currency }, ctx.at);
  await walletUpdated(tx, owner, card.currency, ctx.at);
  return { card: closed, refunded, transaction: txn };
}

export { authorizationFee };
