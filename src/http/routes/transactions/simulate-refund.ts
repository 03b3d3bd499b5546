import { Type } from '@fastify/type-provider-typebox';
import { refund } from '../../../authorizations/index.ts';
import { actionContext, ownerOf } from '../../plugins/auth.ts';
import { amountFrom } from '../../plugins/number-texts.ts';
import { AUTHORIZATION_EXAMPLE, Amount, TRANSACTION_EXAMPLE, TransactionSchema, presentTransaction } from '../../presenters/money.ts';
import { errorResponses } from '../../schemas.ts';
import { txOf, type TypedApp } from '../../route.ts';
import { simulationDoc } from '../authorizations/schemas.ts';

export const RefundBody = Type.Object({
  card_id: Type.String({ maxLength: 64 }),
  amount: Amount,
  authorization_id: Type.Optional(Type.String({ maxLength: 64 })),
}, {
  additionalProperties: false,
  examples: [{ card_id: 'card_01jz3q5v8kx2m4n6p8r0t2w4y6', amount: 1850, authorization_id: AUTHORIZATION_EXAMPLE.id }],
});

export function simulateRefundRoute(app: TypedApp): void {
  app.post('/v1/simulate/refunds', {
    config: { sandboxOnly: true, idempotent: true },
    schema: {
      ...simulationDoc, operationId: 'transactions.simulateRefund', summary: 'Simulate a refund',
      description: 'The merchant refunds `amount` to the card (to the wallet if the card is closed). With `authorization_id`, at '
        + 'most what that authorization cleared minus earlier refunds.',
      body: RefundBody,
      response: {
        200: Type.Object(TransactionSchema.properties, {
          examples: [{ ...TRANSACTION_EXAMPLE, type: 'refund', amount: 1850, authorization_id: AUTHORIZATION_EXAMPLE.id }],
        }),
        ...errorResponses(403, 404, 409, 422),
      },
    },
  }, async (request) => {
    const { card_id: cardId, authorization_id: authorizationId = null } = request.body;
    const at = actionContext(request, app.deps.clock.now()).at;
    return presentTransaction(await refund(txOf(request), ownerOf(request), cardId, amountFrom(request, 'amount'), authorizationId, at));
  });
}
