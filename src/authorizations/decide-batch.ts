import { convert, parseRate } from '../lib/money.ts';
import type { TransferInput } from '../ledger/index.ts';
import { cardSettlementAccountId } from '../accounts/index.ts';
import type { MoneySettings } from '../fees/index.ts';
import { linked } from '../funding/index.ts';
import type { CardStatus } from '../cards/index.ts';
import { windowStarts } from './controls.ts';
import { decide } from './decide.ts';
import type { Authorization } from './store.ts';
import type { NetworkIds } from '../transactions/index.ts';
import {
  EMPTY_TOTALS, type AuthorizationRequest, type RealtimeVerdict, type Snapshot, type SpendingControls, type VerificationFailure, type WindowTotals,
} from './types.ts';

/** Why 7 days: holds that never clear are released after the usual network window (SPEC §3). */
export const HOLD_TTL_MS = 7 * 24 * 3600 * 1000;

export type Owner = { merchantId: string; mode: 'sandbox' | 'live' };

/** One authorization, ready for a batch: its merchant, its own time (sandbox clock included), and the merchant's verdict if asked. */
export interface PreparedAuthorization {
  owner: Owner;
  request: AuthorizationRequest;
  realtime: RealtimeVerdict | null;
  now: Date;
  /** The ISO 8583 message's ids, stored on the authorization and its transaction. */
  network?: NetworkIds | null;
  /** A check the caller made before the batch that failed (the ISO 8583 link's expiry and PIN checks). */
  verification?: VerificationFailure | null;
}

/** A card as the batch sees it, read under its row lock, with what each of its two accounts can spend. */
export interface CardSnapshot {
  id: string;
  merchantId: string;
  mode: string;
  customerId: string;
  status: CardStatus;
  expYear: number;
  expMonth: number;
  currency: string;
  availableAccountId: string;
  reserveAccountId: string;
  authorizationMode: 'direct' | 'reserve' | null;
}

/**
 * Everything a batch is decided on, read in one statement. Spend is keyed by
 * owner and the start of the day an item sees (spendKey): items of one batch
 * may live at different times (merchants' sandbox clocks), and each sees its
 * own calendar windows.
 */
export interface BatchSnapshot {
  cards: ReadonlyMap<string, CardSnapshot>;
  /** Spendable per ledger account id (credits posted − debits posted − debits pending). */
  funds: ReadonlyMap<string, bigint>;
  controls: { card: ReadonlyMap<string, SpendingControls>; customer: ReadonlyMap<string, SpendingControls> };
  spend: { card: ReadonlyMap<string, WindowTotals>; customer: ReadonlyMap<string, WindowTotals> };
  settings: ReadonlyMap<string, MoneySettings>;
  ledgers: ReadonlyMap<string, { ledger: number; scale: number }>;
  /** `FROM>TO` → the rate as a decimal string. */
  rates: ReadonlyMap<string, string>;
}

/** The spend key of an owner (card or customer id) as seen at `now`: windows are calendar windows of that day. */
export const spendKey = (ownerId: string, now: Date): string => `${ownerId}@${windowStarts(now).daily.toISOString().slice(0, 10)}`;

/** Which spend windows a batch needs: every (owner, day) pair its items see. */
export function spendWindowsNeeded(items: readonly PreparedAuthorization[], cards: ReadonlyMap<string, Pick<CardSnapshot, 'customerId'>>) {
  const card = new Map<string, Date>();
  const customer = new Map<string, Date>();
  for (const item of items) {
    card.set(spendKey(item.request.cardId, item.now), item.now);
    const c = cards.get(item.request.cardId);
    if (c) customer.set(spendKey(c.customerId, item.now), item.now);
  }
  return { card, customer };
}

export const holdIds = (authId: string, seq: number) => ({ amount: `${authId}:h${seq}`, fee: `${authId}:f${seq}` });

/** The pending transfers that hold an authorization's amount and its fee (linked). */
export function holdTransfers(a: { id: string; cardId: string; ledger: number; sourceAccount: string; owner: Owner; currency: string }, seq: number, amount: bigint, fee: bigint): TransferInput[] {
  const ids = holdIds(a.id, seq);
  const out: TransferInput[] = [{
    id: ids.amount, debitAccountId: a.sourceAccount, creditAccountId: cardSettlementAccountId(a.owner, a.currency, 'network_settlement', a.cardId),
    amount, ledger: a.ledger, code: 'authorization', flags: ['pending'], userData: a.id,
  }];
  if (fee > 0n) {
    out.push({ id: ids.fee, debitAccountId: a.sourceAccount, creditAccountId: cardSettlementAccountId(a.owner, a.currency, 'fee_revenue', a.cardId),
      amount: fee, ledger: a.ledger, code: 'authorization_fee', flags: ['pending'], userData: a.id });
  }
  return out;
}

function addSpendAt(totals: Map<string, WindowTotals>, ownerId: string, at: Date, amount: bigint): void {
  // Every window of this owner that `at` falls in counts the approval (an item at 23:59 counts in tomorrow's week).
  for (const [key, t] of totals) {
    const [id, day] = key.split('@') as [string, string];
    if (id !== ownerId) continue;
    const w = windowStarts(new Date(`${day}T00:00:00Z`));
    const sameDay = at >= w.daily && at.getTime() < w.daily.getTime() + 86_400_000;
    totals.set(key, {
      daily: t.daily + (sameDay ? amount : 0n), weekly: t.weekly + (at >= w.weekly ? amount : 0n),
      monthly: t.monthly + (at >= w.monthly ? amount : 0n), yearly: t.yearly + (at >= w.yearly ? amount : 0n),
      all_time: t.all_time + amount, daily_count: t.daily_count + (sameDay ? 1 : 0),
    });
  }
}

/** The amount in the card's currency, and the rate used (null when none was needed); null amount when no rate converts it. */
function inCardCurrency(req: AuthorizationRequest, card: CardSnapshot, s: BatchSnapshot): { amount: bigint | null; rate: string | null } {
  if (req.currency === card.currency) return { amount: req.amount, rate: null };
  const rate = s.rates.get(`${req.currency}>${card.currency}`) ?? null;
  const from = s.ledgers.get(req.currency);
  const to = s.ledgers.get(card.currency);
  const parsed = rate === null ? null : parseRate(rate);
  if (!from || !to || !parsed) return { amount: null, rate: null };
  return { amount: convert(req.amount, from.scale, to.scale, parsed), rate };
}

export interface BatchDecision {
  authorizations: Authorization[];
  /** Per item, the linked chain of pending transfers that holds it (empty when declined). */
  chains: TransferInput[][];
}

/**
 * Decide a batch, in order, on running balances and spend: an approval
 * lowers what later items of the same card (and customer) can spend, so one
 * decline never depends on the others' failing. Pure: the snapshot is not
 * changed, and ids come from `newAuthorizationId`. The ledger's balance flags
 * stay the final guard when the result is applied.
 */
export function decideBatch(items: readonly PreparedAuthorization[], s: BatchSnapshot, newAuthorizationId: () => string): BatchDecision {
  const funds = new Map(s.funds);
  const cardSpend = new Map(s.spend.card);
  const customerSpend = new Map(s.spend.customer);
  const authorizations: Authorization[] = [];
  const chains: TransferInput[][] = [];
  for (const item of items) {
    const { request: req, owner } = item;
    const row = s.cards.get(req.cardId);
    // Another merchant's card, or one of the other mode, is no card at all.
    const card = row && row.merchantId === owner.merchantId && row.mode === owner.mode ? row : null;
    const settings = s.settings.get(owner.merchantId);
    if (!settings) throw new Error(`no money settings for merchant ${owner.merchantId}`);
    const source = card && (card.authorizationMode ?? settings.authorizationMode) === 'reserve' ? 'reserve' : 'available';
    const sourceAccount = card ? (source === 'reserve' ? card.reserveAccountId : card.availableAccountId) : '';
    const converted = card ? inCardCurrency(req, card, s) : { amount: req.amount, rate: null };
    if (card) {
      // A window nobody has spent in yet starts at zero, and earlier items of the batch count in it.
      for (const [totals, ownerId] of [[cardSpend, card.id], [customerSpend, card.customerId]] as const) {
        const key = spendKey(ownerId, item.now);
        if (!totals.has(key)) totals.set(key, EMPTY_TOTALS);
      }
    }
    const snapshot: Snapshot = {
      now: item.now,
      card: card ? { status: card.status, expYear: card.expYear, expMonth: card.expMonth, currency: card.currency } : null,
      cardAmount: converted.amount, fxApplied: converted.rate !== null, fees: settings.feeSchedule,
      controls: { card: card ? s.controls.card.get(card.id) ?? null : null, customer: card ? s.controls.customer.get(card.customerId) ?? null : null },
      spend: {
        card: (card && cardSpend.get(spendKey(card.id, item.now))) || EMPTY_TOTALS,
        customer: (card && customerSpend.get(spendKey(card.customerId, item.now))) || EMPTY_TOTALS,
      },
      realtime: item.realtime, funds: card ? funds.get(sourceAccount) ?? 0n : 0n, merchantSuspended: settings.suspended,
    };
    const d = decide(snapshot, { merchant: req.merchant, partialAllowed: req.partialAllowed, verification: item.verification ?? null });
    const id = newAuthorizationId();
    if (d.approved && card) {
      funds.set(sourceAccount, snapshot.funds - d.amount - d.fee);
      addSpendAt(cardSpend, card.id, item.now, d.amount);
      addSpendAt(customerSpend, card.customerId, item.now, d.amount);
      const ledger = s.ledgers.get(card.currency);
      if (!ledger) throw new Error(`no ledger for ${card.currency}`);
      chains.push(linked(holdTransfers({ id, cardId: card.id, ledger: ledger.ledger, sourceAccount, owner, currency: card.currency }, 1, d.amount, d.fee)));
    } else {
      chains.push([]);
    }
    authorizations.push({
      id, merchantId: owner.merchantId, mode: owner.mode, cardId: card?.id ?? null, customerId: card?.customerId ?? null,
      status: d.approved ? 'pending' : 'declined', currency: card?.currency ?? req.currency, requestedAmount: converted.amount ?? req.amount,
      approvedAmount: d.amount, heldAmount: d.amount, feeHeld: d.fee, clearedAmount: 0n, feeCharged: 0n, refundedAmount: 0n,
      merchantAmount: req.amount, merchantCurrency: req.currency, fxRate: converted.rate, merchant: req.merchant, source,
      decisionSource: d.decisionSource, declineReason: d.reason, responseCode: d.responseCode, holdSeq: d.approved ? 1 : 0,
      expiresAt: d.approved ? new Date(item.now.getTime() + HOLD_TTL_MS) : null, network: item.network ?? null, createdAt: item.now, updatedAt: item.now,
    });
  }
  return { authorizations, chains };
}
