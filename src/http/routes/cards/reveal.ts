import { Type } from '@fastify/type-provider-typebox';
import { revealCard } from '../../../cards/index.ts';
import { ownerOf } from '../../plugins/auth.ts';
import { REVEALS_PER_MINUTE_MAX } from '../../plugins/rate-limit.ts';
import { errorResponses } from '../../schemas.ts';
import type { TypedApp } from '../../route.ts';
import { CardParams, cardContext, cardsDoc } from './schemas.ts';

export const CardDetailsSchema = Type.Object({
  id: Type.String({ description: 'card_…' }),
  object: Type.Literal('card_details'),
  number: Type.String({ description: 'The full card number.' }),
  cvv: Type.String({ description: 'CVV2, computed on each reveal; never stored.' }),
  exp_month: Type.Integer(),
  exp_year: Type.Integer(),
}, {
  description: 'The card data, `Cache-Control: no-store`.',
  // Stripe's public test number: a well-formed example that is no one's card.
  examples: [{ id: 'card_01jz3q5v8kx2m4n6p8r0t2w4y6', object: 'card_details', number: '4242424242424242', cvv: '123', exp_month: 11, exp_year: 2029 }],
});

export function revealCardRoute(app: TypedApp): void {
  // Not config.idempotent, and a GET: a reveal runs in a transaction of its own (for its audit row) and is never stored
  // by the idempotency layer, sealed or not. The `cards:reveal` scope also charges the key's reveal bucket (plugins/auth.ts).
  app.get('/v1/cards/:cardId/details', {
    config: { scope: 'cards:reveal' },
    schema: {
      ...cardsDoc, operationId: 'cards.reveal', summary: 'Reveal card details',
      description: `The full card number and CVV2. Needs a key with the \`cards:reveal\` scope (403 otherwise); limited to ${REVEALS_PER_MINUTE_MAX} `
        + 'a minute per key, counted with the reveals of the KrezyPay and KazePay facades; every reveal is written to the audit log. '
        + 'Never cache or log the answer.',
      params: CardParams,
      response: { 200: CardDetailsSchema, ...errorResponses(403, 404) },
    },
  }, async (request, reply) => {
    const context = cardContext(app, request);
    const revealed = await app.deps.db.transaction((tx) => revealCard(tx, ownerOf(request), request.params.cardId, context));
    reply.header('cache-control', 'no-store');
    const { card } = revealed;
    return { id: card.id, object: 'card_details' as const, number: revealed.number, cvv: revealed.cvv, exp_month: card.expMonth, exp_year: card.expYear };
  });
}
