import { Type } from '@fastify/type-provider-typebox';
import { ownerOf, merchantNow } from '../../plugins/auth.ts';
import { idempotencyClaimOf } from '../../plugins/idempotency.ts';
import { amountFrom } from '../../plugins/number-texts.ts';
import { Amount, AuthorizationSchema, Currency, MerchantInfoSchema } from '../../presenters/money.ts';
import { errorResponses, describedAs } from '../../schemas.ts';
import type { TypedApp } from '../../route.ts';
import { simulationDoc } from './schemas.ts';

export const SimulateAuthorizationBody = Type.Object({
  card_id: Type.String({ maxLength: 64 }),
  amount: Amount,
  currency: Currency,
  merchant: MerchantInfoSchema,
  partial_allowed: Type.Optional(Type.Boolean()),
}, {
  additionalProperties: false,
  examples: [{
    card_id: 'card_01jz3q5v8kx2m4n6p8r0t2w4y6', amount: 1850, currency: 'USD',
    merchant: { name: 'Blue Bottle Coffee', mcc: '5814', country: 'US' }, partial_allowed: false,
  }],
});

export function simulateAuthorizationRoute(app: TypedApp): void {
  app.post('/v1/simulate/authorizations', {
    // Not config.idempotent: the authorization path claims the Idempotency-Key itself, in its group commit's transaction.
    config: { sandboxOnly: true },
    schema: {
      ...simulationDoc, operationId: 'authorizations.simulate', summary: 'Simulate a card authorization',
      description: "Sandbox only: the network asks to authorize `amount` (minor units of `currency`, the merchant's currency) at a "
        + "merchant. Decided in SPEC §3's order (card, status, expiry, currency with FX, spending controls, your real-time endpoint, "
        + 'funds with the fee); approved amounts are held in the ledger until cleared, reversed or expired (7 days). With '
        + '`partial_allowed`, what the card can afford is approved (response code 10). Concurrent requests are group-committed: '
        + 'decided and applied together in one database transaction per lane (a lane per card hash). A request with an '
        + "Idempotency-Key is group-committed too: its key is claimed in the batch's transaction, and a retry is answered from the "
        + 'stored response before the real-time endpoint would be asked again.',
      body: SimulateAuthorizationBody,
      response: { 200: describedAs(AuthorizationSchema, 'Approved or declined: see `status`.'), ...errorResponses(403) },
    },
  }, async (request, reply) => {
    const { card_id: cardId, currency, merchant, partial_allowed: partialAllowed = false } = request.body;
    const authorization = { cardId, amount: amountFrom(request, 'amount'), currency, merchant, partialAllowed };
    const result = await app.authorizations.submit({
      owner: ownerOf(request), request: authorization, now: merchantNow(request), idempotency: idempotencyClaimOf(request),
    });
    if (result.replayed) reply.header('Idempotent-Replayed', 'true');
    // The engine answers with the presented authorization, or a stored answer of this route: typed as it was stored.
    return reply.code(result.status as 200).send(result.body as never);
  });
}
