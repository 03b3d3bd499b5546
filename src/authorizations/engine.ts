import type { Tx } from '../db/index.ts';
import { assert } from '../lib/assert.ts';
import { newId } from '../lib/ids.ts';
import { convert } from '../lib/money.ts';
import { appendEvents } from '../events/index.ts';
import { balanceOf, createTransfers, type TransferInput } from '../ledger/index.ts';
import { merchantAccountId } from '../accounts/index.ts';
import type { FeeSchedule, MoneySettings } from '../fees/index.ts';
import { chainFailure, linked } from '../funding/index.ts';
import { createdEvent, insertTransactions } from '../transactions/index.ts';
import type { CardStatus } from '../cards/index.ts';
import { addSpend, loadControlsForCards, spendTotals } from './controls.ts';
import { decide } from './decide.ts';
import { insertAuthorizations, presentAuthorization, type Authorization } from './store.ts';
import { DECLINE_CODES, EMPTY_TOTALS, type AuthorizationRequest, type Decision, type RealtimeVerdict, type Snapshot } from './types.ts';

/** Why 7 days: holds that never clear are released after the usual network window (SPEC §3). */
export const HOLD_TTL_MS = 7 * 24 * 3600 * 1000;

/** One authorization request, ready for a batch: its merchant, its own time (sandbox clock), and the merchant's verdict if asked. */
export interface PreparedAuthorization {
  owner: { merchantId: string; mode: 'sandbox' | 'live' };
  request: AuthorizationRequest;
  realtime: RealtimeVerdict | null;
  now: Date;
}

type CardRow = {
  id: string; merchant_id: string; mode: string; customer_id: string; status: CardStatus; exp_year: number; exp_month: number;
  currency: string; available_account_id: string; reserve_account_id: string; authorization_mode: 'direct' | 'reserve' | null;
};

/** Merchants' money settings, the ledgers and the FX rates, in one round trip. */
async function batchReferenceData(tx: Tx, merchantIds: string[]) {
  const { rows } = await tx.query<{
    settings: { id: string; fee_schedule: FeeSchedule; authorization_mode: 'direct' | 'reserve'; clearing_tolerance_bps: number }[] | null;
    ledgers: { currency: string; ledger: number; scale: number }[];
    rates: { k: string; rate: string }[] | null;
  }>(
    `SELECT (SELECT json_agg(json_build_object('id', id, 'fee_schedule', fee_schedule, 'authorization_mode', authorization_mode,
                                               'clearing_tolerance_bps', clearing_tolerance_bps))
             FROM merchants WHERE id = ANY($1)) AS settings,
            (SELECT json_agg(json_build_object('currency', currency, 'ledger', ledger, 'scale', scale)) FROM ledgers) AS ledgers,
            (SELECT json_agg(json_build_object('k', from_currency || '>' || to_currency, 'rate', rate::text)) FROM fx_rates) AS rates`,
    [merchantIds]);
  const r = rows[0]!;
  const settings = new Map<string, MoneySettings>((r.settings ?? []).map((m) => [m.id, {
    feeSchedule: m.fee_schedule, authorizationMode: m.authorization_mode, clearingToleranceBps: m.clearing_tolerance_bps,
  }]));
  const ledgers = new Map(r.ledgers.map((l) => [l.currency, l]));
  const rates = new Map((r.rates ?? []).map((x) => [x.k, x.rate.includes('.') ? x.rate.replace(/0+$/, '').replace(/\.$/, '') : x.rate]));
  return { settings, ledgers, rates };
}

export const holdIds = (authId: string, seq: number) => ({ amount: `${authId}:h${seq}`, fee: `${authId}:f${seq}` });

/** The pending transfers that hold an authorization's amount and its fee (linked). */
export function holdTransfers(a: { id: string; ledger: number; sourceAccount: string; owner: { merchantId: string; mode: 'sandbox' | 'live' }; currency: string }, seq: number, amount: bigint, fee: bigint): TransferInput[] {
  const ids = holdIds(a.id, seq);
  const out: TransferInput[] = [{
    id: ids.amount, debitAccountId: a.sourceAccount, creditAccountId: merchantAccountId(a.owner, a.currency, 'network_settlement'),
    amount, ledger: a.ledger, code: 'authorization', flags: ['pending'], userData: a.id,
  }];
  if (fee > 0n) {
    out.push({ id: ids.fee, debitAccountId: a.sourceAccount, creditAccountId: merchantAccountId(a.owner, a.currency, 'fee_revenue'),
      amount: fee, ledger: a.ledger, code: 'authorization_fee', flags: ['pending'], userData: a.id });
  }
  return out;
}

/**
 * Decide and apply a batch of authorizations in the caller's transaction with
 * a constant number of statements, whatever the batch size. Rows are locked
 * in a fixed order (customers with controls, then cards, by id), so racing
 * batches serialize per card and customer instead of deadlocking; items are
 * decided in order on running balances and spend, so one decline never fails
 * the others. Returns the presented authorization of each item, in order.
 */
export async function authorizeBatch(tx: Tx, items: readonly PreparedAuthorization[]) {
  const cardIds = [...new Set(items.map((i) => i.request.cardId))].sort();
  const controls = await loadControlsForCards(tx, cardIds);
  const customerIds = [...controls.customer.keys()].sort();
  if (customerIds.length > 0) await tx.query('SELECT 1 FROM customers WHERE id = ANY($1) ORDER BY id FOR UPDATE', [customerIds]);
  // The cards, locked in id order, with the counters of both their ledger accounts (one round trip).
  const cardRows = await tx.query<CardRow & {
    av_dp: bigint; av_dpo: bigint; av_cp: bigint; av_cpo: bigint; rs_dp: bigint; rs_dpo: bigint; rs_cp: bigint; rs_cpo: bigint;
  }>(
    `SELECT c.id, c.merchant_id, c.mode, c.customer_id, c.status, c.exp_year, c.exp_month, c.currency, c.available_account_id,
            c.reserve_account_id, c.authorization_mode,
            av.debits_pending AS av_dp, av.debits_posted AS av_dpo, av.credits_pending AS av_cp, av.credits_posted AS av_cpo,
            rs.debits_pending AS rs_dp, rs.debits_posted AS rs_dpo, rs.credits_pending AS rs_cp, rs.credits_posted AS rs_cpo
     FROM cards c JOIN ledger_accounts av ON av.id = c.available_account_id JOIN ledger_accounts rs ON rs.id = c.reserve_account_id
     WHERE c.id = ANY($1) ORDER BY c.id FOR UPDATE OF c`, [cardIds]);
  const cards = new Map(cardRows.rows.map((c) => [c.id, c]));
  // Card accounts are credit-normal and debit-limited: spendable = credits posted − debits posted − debits pending.
  const funds = new Map(cardRows.rows.flatMap((c) => [
    [c.available_account_id, balanceOf({ debitsPending: c.av_dp, debitsPosted: c.av_dpo, creditsPending: c.av_cp, creditsPosted: c.av_cpo }, 'credit').available],
    [c.reserve_account_id, balanceOf({ debitsPending: c.rs_dp, debitsPosted: c.rs_dpo, creditsPending: c.rs_cp, creditsPosted: c.rs_cpo }, 'credit').available],
  ] as [string, bigint][]));
  const { settings, ledgers, rates } = await batchReferenceData(tx, [...new Set(items.map((i) => i.owner.merchantId))]);
  const now = items[0]?.now ?? new Date();
  const cardSpend = await spendTotals(tx, 'card', [...controls.card.keys()], now);
  const customerSpend = await spendTotals(tx, 'customer', customerIds, now);

  const auths: Authorization[] = [];
  const chains: TransferInput[][] = [];
  for (const item of items) {
    const { request: req, owner } = item;
    const row = cards.get(req.cardId);
    const card = row && row.merchant_id === owner.merchantId && row.mode === owner.mode ? row : null;
    const source = card && (card.authorization_mode ?? settings.get(owner.merchantId)!.authorizationMode) === 'reserve' ? 'reserve' : 'available';
    const sourceAccount = card ? (source === 'reserve' ? card.reserve_account_id : card.available_account_id) : '';
    let cardAmount: bigint | null = req.amount;
    let rateText: string | null = null;
    if (card && req.currency !== card.currency) {
      rateText = rates.get(`${req.currency}>${card.currency}`) ?? null;
      const from = ledgers.get(req.currency);
      const to = ledgers.get(card.currency)!;
      const [int, dec = ''] = (rateText ?? '0').split('.');
      cardAmount = rateText && from ? convert(req.amount, from.scale, to.scale, { num: BigInt(int! + dec), den: 10n ** BigInt(dec.length) }) : null;
    }
    const snapshot: Snapshot = {
      now: item.now,
      card: card ? { status: card.status, expYear: card.exp_year, expMonth: card.exp_month, currency: card.currency } : null,
      cardAmount, fxApplied: rateText !== null, fees: settings.get(owner.merchantId)!.feeSchedule,
      controls: { card: card ? controls.card.get(card.id) ?? null : null, customer: card ? controls.customer.get(card.customer_id) ?? null : null },
      spend: { card: (card && cardSpend.get(card.id)) || EMPTY_TOTALS, customer: (card && customerSpend.get(card.customer_id)) || EMPTY_TOTALS },
      realtime: item.realtime, funds: card ? funds.get(sourceAccount) ?? 0n : 0n,
    };
    const d: Decision = decide(snapshot, { merchant: req.merchant, partialAllowed: req.partialAllowed });
    const id = newId('authorization');
    if (d.approved && card) {
      funds.set(sourceAccount, snapshot.funds - d.amount - d.fee);
      if (cardSpend.has(card.id)) cardSpend.set(card.id, addSpend(cardSpend.get(card.id)!, d.amount));
      if (customerSpend.has(card.customer_id)) customerSpend.set(card.customer_id, addSpend(customerSpend.get(card.customer_id)!, d.amount));
      chains.push(linked(holdTransfers({ id, ledger: ledgers.get(card.currency)!.ledger, sourceAccount, owner, currency: card.currency }, 1, d.amount, d.fee)));
    } else {
      chains.push([]);
    }
    auths.push({
      id, merchantId: owner.merchantId, mode: owner.mode, cardId: card?.id ?? null, customerId: card?.customer_id ?? null,
      status: d.approved ? 'pending' : 'declined', currency: card?.currency ?? req.currency, requestedAmount: cardAmount ?? req.amount,
      approvedAmount: d.amount, heldAmount: d.amount, feeHeld: d.fee, clearedAmount: 0n, feeCharged: 0n, refundedAmount: 0n,
      merchantAmount: req.amount, merchantCurrency: req.currency, fxRate: rateText, merchant: req.merchant, source,
      decisionSource: d.decisionSource, declineReason: d.reason, responseCode: d.responseCode, holdSeq: d.approved ? 1 : 0,
      expiresAt: d.approved ? new Date(item.now.getTime() + HOLD_TTL_MS) : null, createdAt: item.now, updatedAt: item.now,
    });
  }

  // One ledger call for the whole batch; the ledger's balance flags are the final guard.
  const results = await createTransfers(tx, chains.flat(), { now });
  let offset = 0;
  chains.forEach((chain, i) => {
    const failure = chainFailure(results.slice(offset, offset + chain.length));
    offset += chain.length;
    if (failure !== null) {
      assert(failure === 'exceeds_credits', `authorization hold refused: ${failure}`);
      Object.assign(auths[i]!, { status: 'declined', approvedAmount: 0n, heldAmount: 0n, feeHeld: 0n, declineReason: 'insufficient_funds', responseCode: DECLINE_CODES.insufficient_funds, holdSeq: 0, expiresAt: null });
    }
  });

  await insertAuthorizations(tx, auths);
  const transactions = await insertTransactions(tx, auths.map((a) => ({
    merchantId: a.merchantId, mode: a.mode, cardId: a.cardId, type: 'authorization' as const, status: a.status === 'pending' ? 'pending' as const : 'declined' as const,
    amount: a.approvedAmount || a.requestedAmount, currency: a.currency, merchantAmount: a.merchantAmount, merchantCurrency: a.merchantCurrency,
    fee: a.feeHeld, merchant: a.merchant, responseCode: a.responseCode, declineReason: a.declineReason, authorizationId: a.id,
  })), now);
  const presented = auths.map(presentAuthorization);
  // One statement for every event of the batch: each authorization's and its transaction's.
  await appendEvents(tx, [
    ...auths.map((a, i) => ({
      merchantId: a.merchantId, mode: a.mode, type: a.status === 'pending' ? 'authorization.approved' as const : 'authorization.declined' as const,
      object: presented[i]!, at: a.createdAt,
    })),
    ...transactions.map(createdEvent),
  ]);
  return presented;
}
