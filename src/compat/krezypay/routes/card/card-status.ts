import { Type } from '@fastify/type-provider-typebox';
import { changeCardStatus, type CardAction } from '../../../../cards/index.ts';
import { actionContext, ownerOf } from '../../../../http/plugins/auth.ts';
import { txOf, type TypedApp } from '../../../../http/route.ts';
import { KREZYPAY_STATUS } from '../../present.ts';
import { CardIdBody, EXAMPLE, KrezyStatusSchema, Success, krezyErrors, krezyIdempotent, krezyRoute } from '../../schemas.ts';

/** card/freeze and card/unfreeze: the state machine's deactivate and activate, answered in KrezyPay's words. */
export function cardStatusRoute(
  app: TypedApp, path: 'freeze' | 'unfreeze', action: CardAction, operation: { operationId: string; summary: string; description: string },
) {
  const { clock } = app.deps;
  const example = { card_id: EXAMPLE.cardId, card_status: action === 'deactivate' ? 'suspended' : 'active' };
  app.post(`/v1/:mode/card/${path}`, {
    config: krezyIdempotent,
    schema: {
      ...krezyRoute, ...operation, body: CardIdBody,
      response: {
        200: Success({ card_id: Type.String({ description: 'card_…' }), card_status: KrezyStatusSchema }, example, 'The card now.'),
        ...krezyErrors,
      },
    },
  }, async (request) => {
    const card = await changeCardStatus(txOf(request), ownerOf(request), request.body.card_id, action, actionContext(request, clock.now()));
    return { status: 'success' as const, card_id: card.id, card_status: KREZYPAY_STATUS[card.status] };
  });
}
