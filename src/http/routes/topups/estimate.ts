import { Type } from '@fastify/type-provider-typebox';
import { toJsonNumber } from '../../../lib/money.ts';
import { estimateTopup } from '../../../topups/index.ts';
import { ownerOf } from '../../plugins/auth.ts';
import { amountFrom } from '../../plugins/number-texts.ts';
import type { TypedApp } from '../../route.ts';
import { errorResponses } from '../../schemas.ts';
import { TopupRequestBody, topupsSchema } from './shared.ts';

export const EstimateSchema = Type.Object({
  object: Type.Literal('topup_estimate'),
  country: Type.String(),
  operator: Type.String(),
  phone: Type.String({ description: 'E.164.' }),
  amount: Type.Integer({ description: 'Airtime, minor units of `currency`.' }),
  currency: Type.String(),
  price: Type.Integer({ description: 'Minor units of `wallet_currency`.' }),
  fee: Type.Integer(),
  total: Type.Integer({ description: 'price + fee: what sending it holds on the wallet.' }),
  wallet_currency: Type.String(),
}, {
  examples: [{
    object: 'topup_estimate', country: 'CM', operator: 'MTN', phone: '+237671234567', amount: 1000, currency: 'XAF', price: 170, fee: 10,
    total: 180, wallet_currency: 'USD',
  }],
});

export function estimateTopupRoute(app: TypedApp): void {
  app.post('/v1/topups/estimate', {
    schema: {
      ...topupsSchema, operationId: 'topups.estimate', summary: 'Estimate a top-up',
      description: 'What a top-up would cost, checked exactly as sending it is (operator, amount on offer, mobile number of the country): price = amount × the catalogue rate in the wallet currency, half-up; fee = fixed + a percentage of the price, half-up; total = price + fee. Moves nothing.',
      body: TopupRequestBody,
      response: { 200: { ...EstimateSchema, description: 'What it would cost.' }, ...errorResponses(403, 422) },
    },
  }, async (request) => {
    const { country, operator, phone } = request.body;
    const e = await estimateTopup(app.deps.db, ownerOf(request), { country, operator, phone, amount: amountFrom(request, 'amount') });
    return {
      object: 'topup_estimate' as const, country: e.product.country, operator: e.product.operator, phone: e.phone, amount: toJsonNumber(e.amount),
      currency: e.product.currency, price: toJsonNumber(e.price), fee: toJsonNumber(e.fee), total: toJsonNumber(e.total), wallet_currency: e.product.walletCurrency,
    };
  });
}
