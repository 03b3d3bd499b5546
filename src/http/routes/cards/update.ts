import { Type } from '@fastify/type-provider-typebox';
import { CARD_TIERS, readCardBalances, updateCard } from '../../../cards/index.ts';
import { actionContext, ownerOf } from '../../plugins/auth.ts';
import { AUTHORIZATION_MODES, CardSchema, presentCard } from '../../presenters/cards.ts';
import { txOf, type TypedApp } from '../../route.ts';
import { CardParams, cardChangeErrors, cardsDoc } from './schemas.ts';
import { describedAs } from '../../schemas.ts';

export const UpdateCardBody = Type.Object({
  nickname: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()])),
  is_default: Type.Optional(Type.Boolean()),
  is_recurring: Type.Optional(Type.Boolean()),
  tier: Type.Optional(Type.Enum(CARD_TIERS)),
  authorization_mode: Type.Optional(Type.Union([Type.Enum(AUTHORIZATION_MODES), Type.Null()])),
}, { additionalProperties: false, minProperties: 1, examples: [{ nickname: 'Groceries', is_default: true }] });

export function updateCardRoute(app: TypedApp): void {
  app.patch('/v1/cards/:cardId', {
    config: { idempotent: true },
    schema: {
      ...cardsDoc, operationId: 'cards.update', summary: 'Update a card',
      description: 'Only the fields sent change: `nickname` (null clears it), `is_default` (one default per customer: setting it '
        + 'clears the others), `is_recurring`, `tier`, `authorization_mode` (`direct` spends from the balance, `reserve` only from the '
        + 'authorization balance; null follows the merchant default). Writes `card.updated`.',
      params: CardParams,
      body: UpdateCardBody,
      response: { 200: describedAs(CardSchema, 'The card after the change.'), ...cardChangeErrors() },
    },
  }, async (request) => {
    const tx = txOf(request);
    const { nickname, is_default: isDefault, is_recurring: isRecurring, tier, authorization_mode: authorizationMode } = request.body;
    const patch = { nickname, isDefault, isRecurring, tier, authorizationMode };
    const card = await updateCard(tx, ownerOf(request), request.params.cardId, patch, actionContext(request, app.deps.clock.now()));
    return presentCard(card, await readCardBalances(tx, card), app.deps.clock.now());
  });
}
