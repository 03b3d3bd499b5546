import cc from 'currency-codes';
import { DomainError } from '../lib/errors.ts';
import { convert, parseRate, percentOf } from '../lib/money.ts';
import type { TopupProduct } from './types.ts';

/**
 * Pure decisions over a catalogue product: whether an amount is on offer,
 * and what it costs the merchant. No I/O.
 */

/** The digits after the decimal point of an ISO 4217 currency (XAF 0, USD 2), or null for an unknown code. */
export function currencyScale(currency: string): number | null {
  const digits = /^[A-Z]{3}$/.test(currency) ? cc.code(currency)?.digits : undefined;
  return digits === undefined ? null : digits;
}

/** Refuses an amount the product does not offer: not one of its denominations, or outside its range. */
export function checkAmount(product: TopupProduct, amount: bigint, param = 'amount'): void {
  const where = `${product.operator} (${product.country})`;
  if (product.denominations !== null) {
    if (!product.denominations.includes(amount)) {
      throw new DomainError('parameter_invalid',
        `\`${param}\` must be one of ${product.denominations.join(', ')} (minor units of ${product.currency}) for ${where}.`, param);
    }
    return;
  }
  if (amount < product.minAmount! || amount > product.maxAmount!) {
    throw new DomainError('parameter_invalid',
      `\`${param}\` must be from ${product.minAmount} to ${product.maxAmount} (minor units of ${product.currency}) for ${where}.`, param);
  }
}

export interface Price {
  price: bigint;
  fee: bigint;
  total: bigint;
}

/**
 * The price in wallet minor units: amount × rate, converted between the two
 * currencies' scales, half-up; then the fee, fixed + a percentage of the
 * price, half-up. An amount too small to cost one minor unit is refused
 * rather than given away.
 */
export function priceOf(product: TopupProduct, amount: bigint, walletScale: number, param = 'amount'): Price {
  const rate = parseRate(product.rate);
  const productScale = currencyScale(product.currency);
  if (rate === null || productScale === null) throw new Error(`catalogue product ${product.country}/${product.operator} has no usable rate or currency`);
  const price = convert(amount, productScale, walletScale, rate);
  if (price <= 0n) {
    throw new DomainError('parameter_invalid', `\`${param}\` is too small: it would cost less than one minor unit of ${product.walletCurrency}.`, param);
  }
  const fee = product.feeFixed + percentOf(price, product.feePercentBps);
  return { price, fee, total: price + fee };
}
