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

/** A whole number written with digits only and no leading zero: no sign, fraction or exponent (1.0, 1e2, -0, 01 are not). */
export const PLAIN_INTEGER = /^(0|[1-9][0-9]*)$/;

/**
 * The only decimal forms facades accept: an integer part without leading
 * zeros (unless it is exactly 0), then optionally a dot and at least one
 * digit — "3", "3.5", "3.00", "0.01". No sign but a minus (refused as not
 * positive), no spaces, no exponent, no "3." or ".5".
 */
const DECIMAL_TEXT = /^(-?)(0|[1-9][0-9]*)(?:\.([0-9]+))?$/;

export type ParseFailure = 'not_a_number' | 'too_many_decimals' | 'not_positive' | 'too_large';

/**
 * Parse a facade's decimal amount from its text — a JSON string's value, or
 * a JSON number's source text (never the double JSON.parse made of it):
 * DECIMAL_TEXT with at most `scale` decimals (none when the scale is 0),
 * positive, at most AMOUNT_MAX minor units. Never rounds.
 */
export function parseDecimal(text: string, scale: number): bigint | ParseFailure {
  const m = DECIMAL_TEXT.exec(text);
  if (!m) return 'not_a_number';
  const negative = m[1] === '-';
  const whole = m[2]!;
  const decimals = m[3] ?? '';
  if (decimals.length > scale) return 'too_many_decimals';
  // Before BigInt: a megabyte of digits must stay cheap. AMOUNT_MAX has 13 digits.
  if (whole.length > 15) return negative ? 'not_positive' : 'too_large';
  const minor = BigInt(whole) * 10n ** BigInt(scale) + BigInt(decimals.padEnd(scale, '0') || '0');
  if (negative || minor === 0n) return 'not_positive';
  if (minor > AMOUNT_MAX) return 'too_large';
  return minor;
}

/** Why parseDecimal refused, to follow a facade's field name: "`amount` has more than 2 decimals for this currency". */
export function decimalRefusal(failure: ParseFailure, scale: number): string {
  switch (failure) {
    case 'not_a_number': {
      const examples = scale === 0 ? '"3"' : `"3" or "3.${'0'.repeat(scale)}"`;
      return `must be a decimal written with digits only, such as ${examples} (no spaces, leading zeros or exponent)`;
    }
    case 'too_many_decimals':
      return `has more than ${scale} decimals for this currency`;
    case 'not_positive':
      return 'must be positive';
    case 'too_large':
      return 'is too large';
  }
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
