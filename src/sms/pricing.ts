import type { Queryable, Tx } from '../db/index.ts';
import { DomainError } from '../lib/errors.ts';
import { isCountryCode } from '../lib/countries.ts';
import type { ActionContext } from '../lib/context.ts';
import type { Mode } from '../merchants/index.ts';
import { appendAudit } from '../audit/index.ts';
import { ledgerOf } from '../accounts/index.ts';
import { enabledCountries } from '../countries/index.ts';
import * as store from './store.ts';
import type { SmsPrice } from './types.ts';

/**
 * The operator's SMS price table, per mode and destination country: a price
 * per segment in a wallet currency. Sandbox ships with a default table
 * (migration 0016); live has none until the operator sets one, and a
 * country without a price cannot be sent to.
 */

/** Why 300: about every country there is, once; a longer table is a mistake, not a price list. */
export const SMS_PRICES_MAX = 300;
/** Why 1,000,000 minor units: ten thousand dollars a segment is a typo, not a price (the table's CHECK agrees). */
export const SMS_PRICE_PER_SEGMENT_MAX = 1_000_000n;

export async function listPrices(q: Queryable, mode: Mode): Promise<SmsPrice[]> {
  return store.selectPrices(q, mode);
}

export async function priceFor(q: Queryable, mode: Mode, country: string): Promise<SmsPrice | null> {
  return store.selectPrice(q, mode, country);
}

/** Where a merchant of this mode can send, at what price: priced countries the operator has not switched off for SMS. */
export async function smsCountries(q: Queryable, mode: Mode): Promise<SmsPrice[]> {
  const open = new Set(await enabledCountries(q, 'sms'));
  return (await store.selectPrices(q, mode)).filter((p) => open.has(p.country));
}

export interface PriceInput {
  country: string;
  currency: string;
  pricePerSegment: bigint;
}

/** Replace the table of one mode; each entry is checked, and an error names its index. Audited. */
export async function setPrices(tx: Tx, mode: Mode, prices: readonly PriceInput[], ctx: ActionContext): Promise<SmsPrice[]> {
  if (prices.length > SMS_PRICES_MAX) throw new DomainError('parameter_invalid', `At most ${SMS_PRICES_MAX} prices.`, 'prices');
  const seen = new Set<string>();
  for (const [i, p] of prices.entries()) {
    if (!isCountryCode(p.country)) throw new DomainError('parameter_invalid', `\`country\` must be an ISO 3166-1 alpha-2 code.`, `prices.${i}.country`);
    if (seen.has(p.country)) throw new DomainError('parameter_invalid', `${p.country} appears twice.`, `prices.${i}.country`);
    seen.add(p.country);
    if (!(await ledgerOf(tx, p.currency))) {
      throw new DomainError('parameter_invalid', `Currency ${p.currency} is not supported; use an ISO 4217 code such as USD.`, `prices.${i}.currency`);
    }
    if (p.pricePerSegment <= 0n || p.pricePerSegment > SMS_PRICE_PER_SEGMENT_MAX) {
      const rule = `\`price_per_segment\` must be from 1 to ${SMS_PRICE_PER_SEGMENT_MAX} minor units.`;
      throw new DomainError('parameter_invalid', rule, `prices.${i}.price_per_segment`);
    }
  }
  await store.replacePrices(tx, mode, prices, ctx.at);
  await appendAudit(tx, {
    ...ctx, action: 'sms.prices.update', target: mode, result: 'success',
    details: {
      countries: prices.length,
      prices: prices.map((p) => ({ country: p.country, currency: p.currency, price_per_segment: p.pricePerSegment.toString() })),
    },
  });
  return store.selectPrices(tx, mode);
}
