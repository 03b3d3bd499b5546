import { percentOf } from '../lib/money.ts';

/**
 * A merchant's fee schedule (operator-set, SPEC §4). Fixed amounts are minor
 * units of the card's currency; percentages are basis points (100 = 1 %).
 */
export interface FeeSchedule {
  authorization_fixed: number;
  authorization_percent_bps: number;
  funding_fixed: number;
  funding_percent_bps: number;
  fx_percent_bps: number;
}

/** Seed 002's schedule: 1.00 USD + 1 % per authorization; no funding or FX fee. */
export const DEFAULT_FEE_SCHEDULE: FeeSchedule = Object.freeze({
  authorization_fixed: 100, authorization_percent_bps: 100, funding_fixed: 0, funding_percent_bps: 0, fx_percent_bps: 0,
});

/** Authorization fee: fixed + percent of the amount, half-up to the minor unit (3.00 → 1.03; 50.00 → 1.50; 100.00 → 2.00). */
export function authorizationFee(amount: bigint, s: FeeSchedule): bigint {
  return BigInt(s.authorization_fixed) + percentOf(amount, s.authorization_percent_bps);
}

export function fundingFee(amount: bigint, s: FeeSchedule): bigint {
  if (s.funding_fixed === 0 && s.funding_percent_bps === 0) return 0n;
  return BigInt(s.funding_fixed) + percentOf(amount, s.funding_percent_bps);
}

export function fxFee(cardAmount: bigint, s: FeeSchedule): bigint {
  return percentOf(cardAmount, s.fx_percent_bps);
}

/**
 * The largest amount whose total (amount + fee) fits in `available`: partial
 * approval. The fee grows with the amount, so search down from an estimate.
 */
export function largestAffordable(available: bigint, feeOf: (amount: bigint) => bigint): bigint {
  if (available <= 0n) return 0n;
  let lo = 0n;
  let hi = available;
  while (lo < hi) {
    const mid = (lo + hi + 1n) / 2n;
    if (mid + feeOf(mid) <= available) lo = mid;
    else hi = mid - 1n;
  }
  return lo;
}

export * from './store.ts';
