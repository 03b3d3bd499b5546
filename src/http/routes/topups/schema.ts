import { Type } from '@fastify/type-provider-typebox';
import { topupSchema } from '../../../topups/index.ts';
import { ownerOf } from '../../plugins/auth.ts';
import type { TypedApp } from '../../route.ts';
import { errorResponses } from '../../schemas.ts';
import { Country, OperatorSchema, PhoneFormatSchema, presentOperator, presentPhoneFormat, topupsSchema } from './shared.ts';

export const TopupSchemaSchema = Type.Object({
  object: Type.Literal('topup_schema'), country: Type.String(), operators: Type.Array(OperatorSchema), phone_format: PhoneFormatSchema,
}, {
  description: 'What can be sent there.',
  examples: [{
    object: 'topup_schema', country: 'CM',
    operators: [{ name: 'MTN', currency: 'XAF', denominations: [500, 1000, 2000, 5000], wallet_currency: 'USD' }],
    phone_format: { country_calling_code: '237', example: '+237671234567', national_example: '6 71 23 45 67' },
  }],
});

export function topupSchemaRoute(app: TypedApp): void {
  app.get('/v1/topups/schema', {
    schema: {
      ...topupsSchema, operationId: 'topups.schema', summary: 'Top-up schema for a country',
      description: "The mobile operators a top-up can go to in `country` (from the operator's catalogue of the key's mode), each with its airtime currency and either its fixed `denominations` or a `min_amount`..`max_amount` range in that currency's minor units, and how the country's mobile numbers are written. An empty list when nothing is on offer there; 422 `country_not_supported` where the operator switched top-ups off.",
      querystring: Type.Object({ country: Country }, { additionalProperties: false }),
      response: {
        200: TopupSchemaSchema,
        ...errorResponses(403, 422),
      },
    },
  }, async (request) => {
    const s = await topupSchema(app.deps.db, ownerOf(request), request.query.country);
    return { object: 'topup_schema' as const, country: s.country, operators: s.products.map(presentOperator), phone_format: presentPhoneFormat(s.phoneFormat) };
  });
}
