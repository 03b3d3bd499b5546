import { Type } from '@fastify/type-provider-typebox';
import { forcePost } from '../../../authorizations/index.ts';
import { actionContext, ownerOf } from '../../plugins/auth.ts';
import { amountFrom } from '../../plugins/number-texts.ts';
import { Amount, MerchantInfoSchema, TRANSACTION_EXAMPLE, TransactionSchema, presentTransaction } from '../../presenters/money.ts';
import { errorResponses } from '../../schemas.ts';
import { txOf, type TypedApp } from '../../route.ts';
import { simulationDoc } from '../authorizations/schemas.ts';

const MERCHANT = { name: 'Metro Transit', mcc: '4111', country: 'US' };

export const ForcePostBody = Type.Object({ card_id: Type.String({ maxLength: 64 }), amount: Amount, merchant: MerchantInfoSchema }, {
  additionalProperties: false, examples: [{ card_id: 'card_01jz3q5v8kx2m4n6p8r0t2w4y6', amount: 275, merchant: MERCHANT }],
});

export function simulateForcePostRoute(app: TypedApp): void {
  app.post('/v1/simulate/force_posts', {
    config: { sandboxOnly: true, idempotent: true },
    schema: {
      ...simulationDoc, operationId: 'transactions.simulateForcePost', summary: 'Simulate a force post',
      description: 'A clearing with no authorization: it cannot be declined; what the card lacks, the merchant wallet covers.',
      body: ForcePostBody,
      response: {
        200: Type.Object(TransactionSchema.properties, {
          examples: [{ ...TRANSACTION_EXAMPLE, type: 'force_post', amount: 275, merchant_amount: 275, merchant_currency: 'USD', merchant: MERCHANT }],
        }),
        ...errorResponses(403, 404, 422),
      },
    },
  }, async (request) => {
    const { card_id: cardId, merchant } = request.body;
    const at = actionContext(request, app.deps.clock.now()).at;
    return presentTransaction(await forcePost(txOf(request), ownerOf(request), cardId, amountFrom(request, 'amount'), merchant, at));
  });
}
