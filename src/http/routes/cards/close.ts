import { Type } from '@fastify/type-provider-typebox';
import { readCardBalances } from '../../../cards/index.ts';
import { closeCard } from '../../../funding/index.ts';
import { toJsonNumber } from '../../../lib/money.ts';
import { actionContext, ownerOf } from '../../plugins/auth.ts';
import { CARD_EXAMPLE, CardSchema, presentCard } from '../../presenters/cards.ts';
import { errorResponses } from '../../schemas.ts';
import { txOf, type TypedApp } from '../../route.ts';
import { cardMoneyDoc } from './money.ts';
import { CardParams } from './schemas.ts';

export const CardClosureSchema = Type.Object({
  object: Type.Literal('card_closure'),
  card: CardSchema,
  refunded_amount: Type.Integer({ description: 'Returned to the wallet, minor units.' }),
  transaction_id: Type.String({ description: 'txn_… of the close-out.' }),
}, {
  examples: [{
    object: 'card_closure', card: { ...CARD_EXAMPLE, status: 'CLOSED', balance: 0, updated_at: '2026-12-01T08:00:00.000Z' },
    refunded_amount: 15000, transaction_id: 'txn_01jz4a2b3c4d5e6f7g8h9j0k1m',
  }],
});

export function closeCardRoute(app: TypedApp): void {
  app.post('/v1/cards/:cardId/close', {
    config: { idempotent: true },
    schema: {
      ...cardMoneyDoc, operationId: 'cards.close', summary: 'Close a card',
      description: "Returns everything spendable on the card (balance and authorization balance) to the merchant wallet and sets the "
        + 'card CLOSED (KazePay closeCard). Holds already pending can still clear.',
      params: CardParams,
      response: { 200: CardClosureSchema, ...errorResponses(403, 404, 409) },
    },
  }, async (request) => {
    const tx = txOf(request);
    const closed = await closeCard(tx, ownerOf(request), request.params.cardId, actionContext(request, app.deps.clock.now()));
    const card = presentCard(closed.card, await readCardBalances(tx, closed.card), app.deps.clock.now());
    return { object: 'card_closure' as const, card, refunded_amount: toJsonNumber(closed.refunded), transaction_id: closed.transaction.id };
  });
}
