import { Type } from '@fastify/type-provider-typebox';
import { Currency } from '../../presenters/money.ts';
import { Timestamp } from '../../schemas.ts';

const RATE_EXAMPLE = { from: 'EUR', to: 'USD', rate: '1.0842' };

export const RateSchema = Type.Object({
  from: Currency,
  to: Currency,
  rate: Type.String({ pattern: '^[0-9]{1,12}(\\.[0-9]{1,12})?$', description: '1 unit of `from` in units of `to`, as a decimal string.' }),
}, { additionalProperties: false, examples: [RATE_EXAMPLE] });

export const SetRatesBody = Type.Object({
  rates: Type.Array(RateSchema, { minItems: 1, maxItems: 500 }),
}, { additionalProperties: false, examples: [{ rates: [RATE_EXAMPLE, { from: 'USD', to: 'EUR', rate: '0.9223' }] }] });

export const RateListSchema = Type.Object({ object: Type.Literal('list'), data: Type.Array(RateSchema), has_more: Type.Boolean() });

export const DatedRateSchema = Type.Object({ ...RateSchema.properties, updated_at: Timestamp }, {
  examples: [{ ...RATE_EXAMPLE, updated_at: '2026-11-03T07:00:00.000Z' }],
});
