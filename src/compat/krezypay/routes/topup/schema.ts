import { Type } from '@fastify/type-provider-typebox';
import { topupSchema } from '../../../../topups/index.ts';
import { ownerOf } from '../../../../http/plugins/auth.ts';
import type { TypedApp } from '../../../../http/route.ts';
import { Body, Decimal, Success, krezyRead, krezyErrors, krezyRoute } from '../../schemas.ts';
import { TopupFields, krezyOperator } from '../../topup.ts';

const OperatorSchema = Type.Object({
  name: Type.String(), currency: Type.String({ description: "The airtime's currency." }),
  denominations: Type.Optional(Type.Array(Decimal('A fixed amount.'), { description: 'The fixed amounts, when it has them.' })),
  min_amount: Type.Optional(Decimal('When it takes a range.')), max_amount: Type.Optional(Decimal('When it takes a range.')),
  wallet_currency: Type.String({ description: 'The wallet charged.' }),
});

const EXAMPLE = {
  country: 'CM', operators: [{ name: 'MTN', currency: 'XAF', min_amount: '100', max_amount: '50000', wallet_currency: 'USD' }],
  phone_format: { country_calling_code: '237', example: '+237671234567', national_example: '6 71 23 45 67' },
};

export function topupSchemaRoute(app: TypedApp): void {
  const { db } = app.deps;
  app.post('/v1/:mode/topup/schema', {
    config: krezyRead,
    schema: {
      ...krezyRoute, operationId: 'krezypay.topupSchema', summary: 'KrezyPay: top-up schema',
      description: 'The operators of `country` with their currency and fixed `denominations` or `min_amount`/`max_amount` '
        + '(decimal strings), and the phone format.',
      body: Body({ country: TopupFields.country }, { country: 'CM' }),
      response: {
        200: Success({
          country: Type.String(), operators: Type.Array(OperatorSchema),
          phone_format: Type.Union([Type.Object({
            country_calling_code: Type.String(), example: Type.String({ description: 'E.164.' }), national_example: Type.String(),
          }), Type.Null()]),
        }, EXAMPLE, "The country's operators."),
        ...krezyErrors,
      },
    },
  }, async (request) => {
    const s = await topupSchema(db, ownerOf(request), request.body.country);
    const format = s.phoneFormat;
    return {
      status: 'success' as const, country: s.country, operators: s.products.map(krezyOperator),
      phone_format: format && { country_calling_code: format.callingCode, example: format.example, national_example: format.nationalExample },
    };
  });
}
