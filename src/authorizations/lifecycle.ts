import type { Tx } from '../db/index.ts';
import { assert } from '../lib/assert.ts';
import { DomainError, notFound } from '../lib/errors.ts';
import { isId, newId } from '../lib/ids.ts';
import { convert, parseRate, percentOf } from '../lib/money.ts';
import { appendEvent } from '../events/index.ts';
import { createTransfers, type TransferInput } from '../ledger/index.ts';
import { cardSettlementAccountId, ledgerOf, merchantAccountId } from '../accounts/index.ts';
import { getCard, type Card } from '../cards/index.ts';
import type { Owner } from '../customers/index.ts';
import { moneySettingsOf, type FeeSchedule } from '../fees/index.ts';
import { chainFailure, linked, moveMoney } from '../funding/index.ts';
import { recordTransaction, updateTransaction, type MerchantInfo, type NetworkIds, type Transaction } from '../transactions/index.ts';
import { getControls, spendTotals } from './controls.ts';
import { checkControls, feeFor } from './decide.ts';
import { holdIds, holdTransfers } from './engine.ts';
import {
  presentAuthorization, selectAuthorization, selectDueAuthorizations, selectNetworkOriginal, toAuthorization, updateAuthorization, type Authorization,
} from './store.ts';
import { DECLINE_CODES, type Snapshot } from './types.ts';

interface Held {
  card: Card;
  auth: Authorization;
  ledger: number;
  source: string;
  fees: FeeSchedule;
  toleranceBps: number;
  /** The merchant is suspended: an increment (more money) declines; clearing, reversal and expiry of what is held go on. */
  suspended: boolean;
  fee: (amount: bigint) => bigint;
}

async function lockHeld(tx: Tx, owner: Owner, authId: string): Promise<Held> {
  const peek = isId('authorization', authId) ? await selectAuthorization(tx, owner, authId) : null;
  if (!peek || !peek.cardId) throw notFound('authorization', 'id');
  const card = await getCard(tx, owner, peek.cardId, { forUpdate: true }); // card first, as the batch engine does
  const auth = (await selectAuthorization(tx, owner, authId, true))!;
  const settings = await moneySettingsOf(tx, owner.merchantId);
  const ledger = (await ledgerOf(tx, card.currency))!.ledger;
  const snapshotFees = { fees: settings.feeSchedule, fxApplied: auth.fxRate !== null } as Pick<Snapshot, 'fees' | 'fxApplied'>;
  return {
    card, auth, ledger, fees: settings.feeSchedule, toleranceBps: settings.clearingToleranceBps, suspended: settings.suspended,
    source: auth.source === 'reserve' ? card.reserveAccountId : card.availableAccountId,
    fee: (amount) => feeFor(amount, snapshotFees as Snapshot),
  };
}

function requirePending(auth: Authorization): void {
  if (auth.status !== 'pending') {
    throw new DomainError('conflict', `The authorization is ${auth.status}; it can no longer change.`);
  }
}

/** An amount in the authorization's merchant currency, in the card's currency (at the authorization's rate). */
function toCardAmount(auth: Authorization, amount: bigint, scales: { from: number; to: number }): bigint {
  if (auth.fxRate === null) return amount;
  return convert(amount, scales.from, scales.to, parseRate(auth.fxRate)!);
}

async function scales(tx: Tx, auth: Authorization) {
  return { from: (await ledgerOf(tx, auth.merchantCurrency))!.scale, to: (await ledgerOf(tx, auth.currency))!.scale };
}

function voidHolds(h: Held): TransferInput[] {
  const ids = holdIds(h.auth.id, h.auth.holdSeq);
  const out: TransferInput[] = [{ id: `${ids.amount}:void`, pendingId: ids.amount, code: 'authorization_release', flags: ['void_pending_transfer'] }];
  if (h.auth.feeHeld > 0n) out.push({ id: `${ids.fee}:void`, pendingId: ids.fee, code: 'authorization_release', flags: ['void_pending_transfer'] });
  return out;
}

async function authorizationTransaction(tx: Tx, authId: string): Promise<string> {
  const { rows } = await tx.query<{ id: string }>("SELECT id FROM transactions WHERE authorization_id = $1 AND type = 'authorization'", [authId]);
  assert(rows[0], 'an authorization always has its transaction');
  return rows[0].id;
}

async function emit(tx: Tx, auth: Authorization, at: Date): Promise<void> {
  await appendEvent(tx, { merchantId: auth.merchantId, mode: auth.mode, type: 'transaction.updated', at, object: { object: 'authorization_update', authorization: presentAuthorization(auth) } });
}

const txnBase = (h: Held, merchant: MerchantInfo | null = h.auth.merchant, network: NetworkIds | null = null) => ({
  merchantId: h.auth.merchantId, mode: h.auth.mode, cardId: h.card.id, currency: h.card.currency, merchant, authorizationId: h.auth.id, network,
});

/**
 * Incremental authorization: the hold grows by `amount` (merchant currency).
 * The old hold is voided and a new one for the total placed in one linked
 * chain, so the increment either fully applies or leaves the old hold as it was.
 */
export async function increment(tx: Tx, owner: Owner, authId: string, amount: bigint, at: Date) {
  const h = await lockHeld(tx, owner, authId);
  requirePending(h.auth);
  const inc = toCardAmount(h.auth, amount, await scales(tx, h.auth));
  const decline = async (reason: keyof typeof DECLINE_CODES) => {
    const t = await recordTransaction(tx, { ...txnBase(h), type: 'increment', status: 'declined', amount: inc, responseCode: DECLINE_CODES[reason], declineReason: reason }, at);
    return { authorization: h.auth, transaction: t, approved: false };
  };
  if (h.suspended) return decline('merchant_suspended');
  if (h.card.status !== 'ACTIVE') return decline('card_inactive');
  for (const [type, id] of [['card', h.card.id], ['customer', h.card.customerId]] as const) {
    const controls = await getControls(tx, type, id);
    const spent = (await spendTotals(tx, type, [id], at)).get(id)!;
    const broken = checkControls(controls, { ...spent, daily_count: 0 }, inc, h.auth.merchant.mcc, h.auth.merchant.country);
    if (broken) return decline(broken);
  }
  const total = h.auth.heldAmount + inc;
  const fee = h.fee(total);
  const seq = h.auth.holdSeq + 1;
  const results = await createTransfers(tx, linked([...voidHolds(h), ...holdTransfers({ id: h.auth.id, cardId: h.card.id, ledger: h.ledger, sourceAccount: h.source, owner, currency: h.card.currency }, seq, total, fee)]), { now: at });
  const failure = chainFailure(results);
  if (failure !== null) {
    assert(failure === 'exceeds_credits', `increment refused: ${failure}`);
    return decline('insufficient_funds');
  }
  const auth = await updateAuthorization(tx, h.auth.id, { held_amount: total, approved_amount: h.auth.approvedAmount + inc, fee_held: fee, hold_seq: seq }, at);
  const t = await recordTransaction(tx, { ...txnBase(h), type: 'increment', status: 'completed', amount: inc, fee: fee - h.auth.feeHeld, responseCode: '00' }, at);
  await updateTransaction(tx, await authorizationTransaction(tx, auth.id), { amount: total, fee }, at);
  return { authorization: auth, transaction: t, approved: true };
}

/**
 * Clearing (capture). Less than held: post that much; the rest is released.
 * More than held, within the merchant's tolerance: post the hold and move the
 * extra as a linked transfer; if the card cannot cover it, the merchant's
 * wallet does (the programme absorbs the overdraft). The fee is recomputed on
 * the cleared amount.
 */
export async function clear(tx: Tx, owner: Owner, authId: string, amount: bigint, at: Date, network: NetworkIds | null = null) {
  const h = await lockHeld(tx, owner, authId);
  requirePending(h.auth);
  const cleared = toCardAmount(h.auth, amount, await scales(tx, h.auth));
  const fee = h.fee(cleared);
  const ids = holdIds(h.auth.id, h.auth.holdSeq);
  const settlement = cardSettlementAccountId(owner, h.card.currency, 'network_settlement', h.card.id);
  const feeRevenue = cardSettlementAccountId(owner, h.card.currency, 'fee_revenue', h.card.id);
  const post = (pendingId: string, amt: bigint): TransferInput => ({ id: `${pendingId}:post`, pendingId, amount: amt, code: 'clearing', flags: ['post_pending_transfer'] });
  const posts: TransferInput[] = [post(ids.amount, cleared <= h.auth.heldAmount ? cleared : h.auth.heldAmount)];
  if (h.auth.feeHeld > 0n) posts.push(post(ids.fee, fee <= h.auth.feeHeld ? fee : h.auth.feeHeld));
  await moveMoney(tx, posts, at, 'the clearing');
  if (cleared > h.auth.heldAmount) {
    const extra = cleared - h.auth.heldAmount;
    if (extra > percentOf(h.auth.heldAmount, h.toleranceBps)) {
      throw new DomainError('clearing_exceeds_tolerance', `The clearing exceeds the hold by more than the allowed ${h.toleranceBps / 100} %.`, 'amount');
    }
    const extras = (from: string): TransferInput[] => {
      const out: TransferInput[] = [{ id: `${h.auth.id}:x`, debitAccountId: from, creditAccountId: settlement, amount: extra, ledger: h.ledger, code: 'clearing_extra', userData: h.auth.id }];
      if (fee > h.auth.feeHeld) out.push({ id: `${h.auth.id}:xf`, debitAccountId: from, creditAccountId: feeRevenue, amount: fee - h.auth.feeHeld, ledger: h.ledger, code: 'clearing_extra_fee', userData: h.auth.id });
      return out;
    };
    const first = chainFailure(await createTransfers(tx, linked(extras(h.source)), { now: at }));
    if (first !== null) {
      assert(first === 'exceeds_credits', `clearing extra refused: ${first}`);
      await moveMoney(tx, extras(merchantAccountId(owner, h.card.currency, 'wallet')), at, 'the clearing beyond the hold: neither the card nor the wallet can cover it');
    }
  }
  const auth = await updateAuthorization(tx, h.auth.id, { status: 'closed', cleared_amount: cleared, fee_charged: fee, held_amount: 0n, fee_held: 0n }, at);
  await updateTransaction(tx, await authorizationTransaction(tx, auth.id), { status: 'completed' }, at);
  const t = await recordTransaction(tx, { ...txnBase(h, h.auth.merchant, network), type: 'clearing', status: 'completed', amount: cleared, fee, responseCode: '00' }, at);
  await emit(tx, auth, at);
  return { authorization: auth, transaction: t };
}

/** Reversal: all of the hold (no amount, or the whole amount) or part of it (the hold shrinks; its fee is recomputed). */
export async function reverse(tx: Tx, owner: Owner, authId: string, amount: bigint | null, at: Date, network: NetworkIds | null = null) {
  const h = await lockHeld(tx, owner, authId);
  requirePending(h.auth);
  const r = amount === null ? h.auth.heldAmount : toCardAmount(h.auth, amount, await scales(tx, h.auth));
  return reverseHeld(tx, h, r, at, network);
}

/**
 * A partial reversal to what was actually spent (ISO 8583 DE 95, merchant
 * currency): the hold shrinks to `actual`, or is released when it is 0. Null
 * when the hold is already that or less, so a repeated reversal changes nothing.
 */
export async function reverseTo(tx: Tx, owner: Owner, authId: string, actual: bigint, at: Date, network: NetworkIds | null = null) {
  const h = await lockHeld(tx, owner, authId);
  requirePending(h.auth);
  const r = h.auth.heldAmount - (actual === 0n ? 0n : toCardAmount(h.auth, actual, await scales(tx, h.auth)));
  return r > 0n ? reverseHeld(tx, h, r, at, network) : null;
}

/** Release `r` (card currency) of a pending hold: all of it voids the hold, less re-holds the rest with its fee recomputed. */
async function reverseHeld(tx: Tx, h: Held, r: bigint, at: Date, network: NetworkIds | null) {
  let auth: Authorization;
  if (r >= h.auth.heldAmount) {
    await moveMoney(tx, voidHolds(h), at, 'the reversal');
    auth = await updateAuthorization(tx, h.auth.id, { status: 'reversed', held_amount: 0n, fee_held: 0n }, at);
    await updateTransaction(tx, await authorizationTransaction(tx, auth.id), { status: 'reversed' }, at);
  } else {
    const remaining = h.auth.heldAmount - r;
    const fee = h.fee(remaining);
    const seq = h.auth.holdSeq + 1;
    const owner = { merchantId: h.auth.merchantId, mode: h.auth.mode };
    await moveMoney(tx, [...voidHolds(h), ...holdTransfers({ id: h.auth.id, cardId: h.card.id, ledger: h.ledger, sourceAccount: h.source, owner, currency: h.card.currency }, seq, remaining, fee)], at, 'the partial reversal');
    auth = await updateAuthorization(tx, h.auth.id, { held_amount: remaining, fee_held: fee, hold_seq: seq }, at);
    await updateTransaction(tx, await authorizationTransaction(tx, auth.id), { amount: remaining, fee }, at);
  }
  const t = await recordTransaction(tx, { ...txnBase(h, h.auth.merchant, network), type: 'reversal', status: 'completed', amount: r >= h.auth.heldAmount ? h.auth.heldAmount : r, responseCode: '00' }, at);
  await emit(tx, auth, at);
  return { authorization: auth, transaction: t };
}

async function cardFor(tx: Tx, owner: Owner, cardId: string) {
  const card = await getCard(tx, owner, cardId, { forUpdate: true });
  const settings = await moneySettingsOf(tx, owner.merchantId);
  return { card, ledger: (await ledgerOf(tx, card.currency))!.ledger, settings };
}

/** Clearing with no authorization (force post): it cannot be declined; what the card lacks, the merchant's wallet covers. */
export async function forcePost(tx: Tx, owner: Owner, cardId: string, amount: bigint, merchant: MerchantInfo, at: Date, network: NetworkIds | null = null): Promise<Transaction> {
  const { card, ledger, settings } = await cardFor(tx, owner, cardId);
  const fee = feeFor(amount, { fees: settings.feeSchedule, fxApplied: false } as Snapshot);
  const id = newId('transaction');
  const chain = (from: string): TransferInput[] => [
    { id: `${id}:main`, debitAccountId: from, creditAccountId: cardSettlementAccountId(owner, card.currency, 'network_settlement', card.id), amount, ledger, code: 'force_post', userData: id },
    { id: `${id}:fee`, debitAccountId: from, creditAccountId: cardSettlementAccountId(owner, card.currency, 'fee_revenue', card.id), amount: fee, ledger, code: 'force_post_fee', userData: id },
  ];
  const failure = chainFailure(await createTransfers(tx, linked(chain(card.availableAccountId)), { now: at }));
  if (failure !== null) {
    assert(failure === 'exceeds_credits', `force post refused: ${failure}`);
    await moveMoney(tx, chain(merchantAccountId(owner, card.currency, 'wallet')), at, 'the force post: neither the card nor the wallet can cover it');
  }
  return recordTransaction(tx, { id, merchantId: owner.merchantId, mode: owner.mode, cardId: card.id, type: 'force_post', status: 'completed', amount, fee, currency: card.currency, merchant, responseCode: '00', network }, at);
}

/** A merchant's refund: settlement → the card (or the wallet if the card is closed). With an authorization, at most what it cleared minus earlier refunds. */
export async function refund(
  tx: Tx, owner: Owner, cardId: string, amount: bigint, authId: string | null, at: Date, network: NetworkIds | null = null, merchantInfo: MerchantInfo | null = null,
): Promise<Transaction> {
  const { card, ledger } = await cardFor(tx, owner, cardId);
  let merchant = merchantInfo;
  if (authId !== null) {
    const auth = isId('authorization', authId) ? await selectAuthorization(tx, owner, authId, true) : null;
    if (!auth || auth.cardId !== card.id) throw notFound('authorization', 'authorization_id');
    if (auth.status !== 'closed') throw new DomainError('conflict', 'Only a cleared authorization can be refunded.', 'authorization_id');
    if (auth.refundedAmount + amount > auth.clearedAmount) {
      throw new DomainError('parameter_invalid', `At most ${auth.clearedAmount - auth.refundedAmount} can still be refunded on this authorization.`, 'amount');
    }
    await updateAuthorization(tx, auth.id, { refunded_amount: auth.refundedAmount + amount }, at);
    merchant = auth.merchant;
  }
  const id = newId('transaction');
  const to = ['CLOSED', 'ARCHIVED'].includes(card.status) ? merchantAccountId(owner, card.currency, 'wallet') : card.availableAccountId;
  await moveMoney(tx, [{ id: `${id}:main`, debitAccountId: cardSettlementAccountId(owner, card.currency, 'network_settlement', card.id), creditAccountId: to, amount, ledger, code: 'refund', userData: id }], at, 'the refund');
  return recordTransaction(tx, { id, merchantId: owner.merchantId, mode: owner.mode, cardId: card.id, type: 'refund', status: 'completed', amount, currency: card.currency, merchant, authorizationId: authId, responseCode: '00', network }, at);
}

/** The authorization an ISO 8583 message created on this card, by the ids its DE 90 names; null when there is none. */
export async function findNetworkOriginal(tx: Tx, owner: Owner, cardId: string, original: { stan: string; transmitted: string; acquirerId11: string }) {
  return selectNetworkOriginal(tx, owner, cardId, original);
}

/** Why 500: one expiry pass is one transaction; the job comes back for the rest. */
const EXPIRY_BATCH_MAX = 500;

/** Release holds that never cleared: 7 days, or 30 days after the card's termination. */
export async function expireAuthorizations(tx: Tx, now: Date, merchantId: string | null = null): Promise<number> {
  const due = await selectDueAuthorizations(tx, now, merchantId, EXPIRY_BATCH_MAX);
  for (const row of due) {
    const auth = toAuthorization(row);
    const owner = { merchantId: auth.merchantId, mode: auth.mode };
    const h = await lockHeld(tx, owner, auth.id);
    if (h.auth.status !== 'pending') continue;
    await moveMoney(tx, voidHolds(h), now, 'the hold expiry');
    const expired = await updateAuthorization(tx, auth.id, { status: 'expired', held_amount: 0n, fee_held: 0n }, now);
    await updateTransaction(tx, await authorizationTransaction(tx, auth.id), { status: 'expired' }, now);
    await recordTransaction(tx, { ...txnBase(h), type: 'expiry', status: 'completed', amount: h.auth.heldAmount }, now);
    await emit(tx, expired, now);
  }
  return due.length;
}

/** One authorization of the merchant, or 404. */
export async function getAuthorization(tx: Tx, owner: Owner, authId: string): Promise<Authorization> {
  const auth = isId('authorization', authId) ? await selectAuthorization(tx, owner, authId) : null;
  if (!auth) throw notFound('authorization', 'id');
  return auth;
}
