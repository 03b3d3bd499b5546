import { authorizationFee, fxFee, largestAffordable } from '../fees/index.ts';
import {
  APPROVED_CODE, DECLINE_CODES, type Decision, type DeclineReason, type Snapshot, type SpendingControls, type VerificationFailure, type WindowTotals,
} from './types.ts';

const WINDOWS = ['daily', 'weekly', 'monthly', 'yearly', 'all_time'] as const;

function decline(reason: DeclineReason, source: Decision['decisionSource'] = 'tessera', code?: string): Decision {
  return { approved: false, amount: 0n, fee: 0n, partial: false, reason, responseCode: code ?? DECLINE_CODES[reason], decisionSource: source };
}

/** The first spending control the amount breaks, or null. Amount limits give 61, counts 65, merchant lists 57. */
export function checkControls(c: SpendingControls | null, spent: WindowTotals, amount: bigint, mcc: string, country: string): DeclineReason | null {
  if (!c) return null;
  if (c.allowed_mccs && c.allowed_mccs.length > 0 && !c.allowed_mccs.includes(mcc)) return 'merchant_not_allowed';
  if (c.blocked_mccs?.includes(mcc)) return 'merchant_not_allowed';
  if (c.blocked_countries?.includes(country)) return 'merchant_not_allowed';
  if (c.per_authorization !== undefined && amount > BigInt(c.per_authorization)) return 'spending_controls';
  for (const w of WINDOWS) {
    const limit = c[w];
    if (limit !== undefined && spent[w] + amount > BigInt(limit)) return 'spending_controls';
  }
  if (c.daily_count !== undefined && spent.daily_count + 1 > c.daily_count) return 'velocity_exceeded';
  return null;
}

export function feeFor(amount: bigint, s: Snapshot): bigint {
  return authorizationFee(amount, s.fees) + (s.fxApplied ? fxFee(amount, s.fees) : 0n);
}

/**
 * The authorization decision, a pure function of its snapshot, in SPEC §3's
 * order; the first failure decides: card exists → status → expiry → the
 * caller's own verification (ISO 8583: DE 14, PIN) → currency → spending
 * controls (card, then customer) → the merchant's real-time decision → funds
 * (amount + fee; partial approval if allowed). The ledger hold that follows
 * is the final guard.
 */
export function decide(s: Snapshot, req: { merchant: { mcc: string; country: string }; partialAllowed: boolean; verification?: VerificationFailure | null }): Decision {
  const card = s.card;
  if (!card) return decline('card_not_found');
  // Right after the card is known to be the caller's: a suspended merchant's cards stop, whatever their own state.
  if (s.merchantSuspended) return decline('merchant_suspended');
  if (card.status === 'EXPIRED') return decline('card_expired');
  if (card.status !== 'ACTIVE') return decline('card_inactive');
  const month = s.now.getUTCFullYear() * 12 + s.now.getUTCMonth();
  if (card.expYear * 12 + (card.expMonth - 1) < month) return decline('card_expired');
  // A check the caller made before the batch (the ISO 8583 link: the expiry it was sent, the PIN block).
  if (req.verification) return decline(req.verification);
  if (s.cardAmount === null) return decline('currency_not_supported');
  let amount = s.cardAmount;
  const control = checkControls(s.controls.card, s.spend.card, amount, req.merchant.mcc, req.merchant.country)
    ?? checkControls(s.controls.customer, s.spend.customer, amount, req.merchant.mcc, req.merchant.country);
  if (control) return decline(control);
  let source: Decision['decisionSource'] = 'tessera';
  if (s.realtime) {
    source = s.realtime.source;
    if (!s.realtime.approved) return decline(s.realtime.failure === 'timeout' ? 'decision_timeout' : 'merchant_declined', source);
    if (s.realtime.amount !== undefined && s.realtime.amount > 0n && s.realtime.amount < amount) amount = s.realtime.amount;
  }
  const fee = feeFor(amount, s);
  if (amount + fee <= s.funds) {
    return { approved: true, amount, fee, partial: amount < s.cardAmount, reason: null, responseCode: APPROVED_CODE, decisionSource: source };
  }
  if (req.partialAllowed) {
    const affordable = largestAffordable(s.funds, (a) => feeFor(a, s));
    if (affordable > 0n) {
      return { approved: true, amount: affordable, fee: feeFor(affordable, s), partial: true, reason: null, responseCode: '10', decisionSource: source };
    }
  }
  return decline('insufficient_funds', source);
}
