import { formatMinor, parseDecimal, decimalRefusal } from '../lib/money.ts';

/**
 * Money on the page: the API's integer minor units, made bigint at once, formatted by Intl.NumberFormat from the
 * exact decimal string (NumberFormat reads a string as a decimal, never through a double).
 */

const formatters = new Map<string, Intl.NumberFormat>();

function formatter(currency: string): Intl.NumberFormat {
  let nf = formatters.get(currency);
  if (!nf) {
    nf = new Intl.NumberFormat('en-US', { style: 'currency', currency });
    formatters.set(currency, nf);
  }
  return nf;
}

/** The currency's minor-unit digits (USD 2, JPY 0, BHD 3), as Intl knows them. */
export function currencyScale(currency: string): number {
  return formatter(currency).resolvedOptions().maximumFractionDigits ?? 2;
}

/** A JSON amount (an integer number or its digits) → bigint, refusing anything that is not a whole number. */
export function toMinor(amount: number | string | bigint): bigint {
  if (typeof amount === 'bigint') return amount;
  if (typeof amount === 'number' && !Number.isSafeInteger(amount)) throw new RangeError(`not a whole amount: ${amount}`);
  return BigInt(amount);
}

/** 12345 USD → "$123.45"; an unknown currency code falls back to "123.45 XYZ". */
export function formatMoney(amount: number | string | bigint, currency: string): string {
  const minor = toMinor(amount);
  try {
    const nf = formatter(currency);
    const decimal = formatMinor(minor, currencyScale(currency));
    return nf.format(decimal as unknown as number);
  } catch {
    return `${formatMinor(minor, 2)} ${currency}`;
  }
}

/** A decimal typed in a form ("12.50") → minor units for the currency, or a message saying why not. */
export function parseAmount(text: string, currency: string): { minor: bigint } | { error: string } {
  const scale = currencyScale(currency);
  const parsed = parseDecimal(text.trim(), scale);
  if (typeof parsed === 'bigint') return { minor: parsed };
  return { error: `The amount ${decimalRefusal(parsed, scale)}.` };
}

/** An ISO timestamp as "2026-11-22 12:00:05 UTC": unambiguous for operators in any zone. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
