import { Type } from '@fastify/type-provider-typebox';
import { readCardBalances, resetActivation } from '../../../cards/index.ts';
import { actionContext } from '../../plugins/auth.ts';
import { CardSchema, presentCard } from '../../presenters/cards.ts';
import { errorResponses, describedAs } from '../../schemas.ts';
import { txOf, type TypedApp } from '../../route.ts';

export function resetActivationRoute(app: TypedApp): void {
  const { clock, keys } = app.deps;
  app.post('/admin/v1/cards/:cardId/reset_activation', {
    config: { auth: 'admin', idempotent: true },
    schema: {
      tags: ['Admin: cards'], security: [{ adminToken: [] }], operationId: 'admin.cards.resetActivation',
      summary: 'Reset physical-card activation',
      description: 'Unlocks activation after too many wrong codes and sends the cardholder a new code. Audited.',
      params: Type.Object({ cardId: Type.String({ maxLength: 64, description: 'card_…' }) }),
      response: { 200: describedAs(CardSchema, 'The card, still PENDING_ACTIVATION, unlocked.'), ...errorResponses(404, 409) },
    },
  }, async (request) => {
    const tx = txOf(request);
    const card = await resetActivation(tx, request.params.cardId, { ...actionContext(request, clock.now()), keys });
    return presentCard(card, await readCardBalances(tx, card), clock.now());
  });
}
