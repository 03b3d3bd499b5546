import { Type } from '@fastify/type-provider-typebox';
import { setPrices, SMS_PRICE_PER_SEGMENT_MAX, SMS_PRICES_MAX } from '../../../sms/index.ts';
import { actionContext } from '../../plugins/auth.ts';
import { ExactInteger } from '../../plugins/number-texts.ts';
import { Currency } from '../../presenters/money.ts';
import { errorResponses } from '../../schemas.ts';
import { txOf, type TypedApp } from '../../route.ts';
import { PriceList, presentPrice } from './admin-schemas.ts';
import { ModeSchema, smsAdmin } from './shared.ts';

export const ReplaceSmsPricesBody = Type.Object({
  mode: ModeSchema,
  prices: Type.Array(Type.Object({
    country: Type.String({ pattern: '^[A-Z]{2}$' }),
    currency: Currency,
    price_per_segment: ExactInteger({ minimum: 1, maximum: Number(SMS_PRICE_PER_SEGMENT_MAX), description: 'Minor units of `currency`.' }),
  }, { additionalProperties: false }), { maxItems: SMS_PRICES_MAX }),
}, {
  additionalProperties: false,
  examples: [{ mode: 'live', prices: [{ country: 'FR', currency: 'EUR', price_per_segment: 7 }, { country: 'US', currency: 'USD', price_per_segment: 1 }] }],
});

export function adminReplaceSmsPricesRoute(app: TypedApp): void {
  app.put('/admin/v1/sms/prices', {
    config: { ...smsAdmin.config, idempotent: true },
    schema: {
      ...smsAdmin.schema, operationId: 'admin.sms.replacePrices', summary: 'Replace the SMS price table',
      description: `Replaces the whole table of one mode (up to ${SMS_PRICES_MAX} countries, each once); a country left out can no `
        + 'longer be sent to. Prices are per segment in minor units of a wallet currency. Audited.',
      body: ReplaceSmsPricesBody,
      response: { 200: PriceList, ...errorResponses(404) },
    },
  }, async (request) => {
    const { mode, prices } = request.body;
    // ExactInteger has checked each price's text: the number is that integer exactly (and far below 2^53).
    const input = prices.map((p) => ({ country: p.country, currency: p.currency, pricePerSegment: BigInt(p.price_per_segment) }));
    const table = await setPrices(txOf(request), mode, input, actionContext(request, app.deps.clock.now()));
    return { object: 'list' as const, has_more: false, data: table.map(presentPrice) };
  });
}
