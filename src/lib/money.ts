import { assert } from './assert.ts';

/**
 * Money is bigint minor units everywhere. These helpers are the only places
 * where decimals appear: at the edges (facades' "3.00"), and in rates.
 */

/** Why 10^12 minor units (10 billion dollars): far above any card amount, far below 2^53 for JSON. */
export const AMOUNT_MAX = 10n ** 12n;

/** a / b rounded half away from zero (half-up for the non-negative amounts money uses). */
export function divRoundHalfUp(a: bigint, b: bigint): bigint {
  assert(b > 0n, 'divisor must be positive');
  const neg = a < 0n;
  const abs = neg ? -a : a;
  const q = (abs * 2n + b) / (2n * b);
  return neg ? -q : q;
}

/** amount × bps / 10,000, half-up to the minor unit. */
export function percentOf(amount: bigint, bps: bigint | number): bigint {
  return divRoundHalfUp(amount * BigInt(bps), 10_000n);
}

/** Minor units → decimal string with the currency's scale: 403n, 2 → "4.03". */
export function formatMinor(amount: bigint, scale: number): string {
  const neg = amount < 0n;
  const abs = (neg ? -amount : amount).toString().padStart(scale + 1, '0');
  const out = scale === 0 ? abs : `${abs.slice(0, -scale)}.${abs.slice(-scale)}`;
  return neg ? `-${out}` : out;
}

export type ParseFailure = 'not_a_number' | 'too_many_decimals' | 'not_positive' | 'too_large';

/**
 * Parse a decimal amount strictly ("3", "3.00", 3, 5000.5): at most `scale`
 * decimals, positive, finite, at most AMOUNT_MAX minor units. Never rounds.
 */
export function parseDecimal(value: unknown, scale: number): bigint | ParseFailure {
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return 'not_a_number';
    text = String(value);
    if (/e/i.test(text)) return Math.abs(value) < 1 ? 'too_many_decimals' : 'too_large';
  } else if (typeof value === 'string') {
    text = value.trim();
  } else {
    return 'not_a_number';
  }
  const m = /^(-)?(\d{1,15})(?:\.(\d+))?$/.exec(text);
  if (!m) return 'not_a_number';
  const decimals = m[3] ?? '';
  if (decimals.replace(/0+$/, '').length > scale) return 'too_many_decimals';
  const minor = BigInt(m[2]!) * 10n ** BigInt(scale) + BigInt((decimals + '0'.repeat(scale)).slice(0, scale) || '0');
  if (m[1] || minor <= 0n) return 'not_positive';
  if (minor > AMOUNT_MAX) return 'too_large';
  return minor;
}

/** A rate given as a decimal string → an exact fraction. */
export function parseRate(text: string): { num: bigint; den: bigint } | null {
  const m = /^(\d{1,12})(?:\.(\d{1,12}))?$/.exec(text.trim());
  if (!m) return null;
  const dec = m[2] ?? '';
  const num = BigInt(m[1]! + dec);
  if (num === 0n) return null;
  return { num, den: 10n ** BigInt(dec.length) };
}

/**
 * Convert minor units of one currency to another with a rate (1 major unit
 * of `from` = rate major units of `to`), half-up to the target minor unit.
 */
export function convert(amount: bigint, fromScale: number, toScale: number, rate: { num: bigint; den: bigint }): bigint {
  return divRoundHalfUp(amount * rate.num * 10n ** BigInt(toScale), rate.den * 10n ** BigInt(fromScale));
}

/** bigint minor units → JSON number, asserting it is exactly representable. */
export function toJsonNumber(v: bigint): number {
  assert(v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= -BigInt(Number.MAX_SAFE_INTEGER), 'amount beyond the JSON-safe range');
  return Number(v);
}
