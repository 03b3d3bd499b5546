import type { FastifyRequest } from 'fastify';
import { Type } from '@fastify/type-provider-typebox';
import type { Queryable } from '../../db/index.ts';
import { formatMinor } from '../../lib/money.ts';
import {
  currencyScale, findTopupProduct, PHONE_TEXT_LENGTH_MAX, type Owner, type TopupEstimate, type TopupProduct,
} from '../../topups/index.ts';
import { decimalAmountOf, scaleOf } from '../shared.ts';
import { Body, Decimal } from './schemas.ts';

/**
 * KrezyPay's Topup menu (seed 002: Topup Schema, Estimate, Send; named only) in the style of its documented card
 * endpoints: POST with JSON, `{"status": "success", …}`, amounts as decimal strings, its error bodies. Each is the
 * native top-up over the same module: `topup/schema` is GET /v1/topups/schema, `topup/estimate` and `topup/send`
 * are POST /v1/topups/estimate and POST /v1/topups with the amount in the operator's currency as a decimal
 * ("1000" XAF, "5.00" USD) instead of minor units. What the three share is here; each route is in routes/topup/.
 */

export const TopupFields = {
  country: Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2: CM, US.' }),
  operator: Type.String({ minLength: 1, maxLength: 64, description: 'As `topup/schema` names it.' }),
  phone: Type.String({ minLength: 1, maxLength: PHONE_TEXT_LENGTH_MAX, description: 'A mobile number of `country`, E.164 or national.' }),
  amount: Type.Union([Type.String({ maxLength: 32 }), Type.Number()], {
    description: "Airtime in the operator's currency, a decimal with at most that currency's decimals (none for XAF): \"1000\", \"5.00\", 5. Never rounded.",
  }),
};
export const TopupBody = Body(TopupFields, { country: 'CM', operator: 'MTN', phone: '+237671234567', amount: '1000' });

export const PRICE_EXAMPLE = { amount: '1000', currency: 'XAF', price: '1.70', fee: '0.28', total: '1.98', wallet_currency: 'USD' };
export const PriceProperties = {
  amount: Decimal("The airtime, in the operator's currency."), currency: Type.String(),
  price: Decimal('The airtime in the wallet currency.'), fee: Decimal('In the wallet currency.'),
  total: Decimal('price + fee: what the wallet is charged.'), wallet_currency: Type.String(),
};

export function krezyOperator(p: TopupProduct) {
  const scale = currencyScale(p.currency)!;
  const text = (v: bigint) => formatMinor(v, scale);
  return {
    name: p.operator, currency: p.currency,
    ...(p.denominations !== null ? { denominations: p.denominations.map(text) } : { min_amount: text(p.minAmount!), max_amount: text(p.maxAmount!) }),
    wallet_currency: p.walletCurrency,
  };
}

type Priced = Pick<TopupEstimate, 'amount' | 'price' | 'fee' | 'total'> & { currency: string; walletCurrency: string };

export async function krezyPrice(q: Queryable, e: Priced) {
  const walletScale = await scaleOf(q, e.walletCurrency);
  return {
    amount: formatMinor(e.amount, currencyScale(e.currency)!), currency: e.currency, price: formatMinor(e.price, walletScale),
    fee: formatMinor(e.fee, walletScale), total: formatMinor(e.total, walletScale), wallet_currency: e.walletCurrency,
  };
}

/** The request's amount, read from its text in the product's currency (never rounded). */
export async function topupRequestOf(q: Queryable, owner: Owner, request: FastifyRequest, body: { country: string; operator: string; phone: string }) {
  const product = await findTopupProduct(q, owner, body.country, body.operator);
  const amount = decimalAmountOf(request, 'amount', currencyScale(product.currency)!);
  return { country: body.country, operator: body.operator, phone: body.phone, amount };
}
