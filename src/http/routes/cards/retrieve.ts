import { getCard, readCardBalances } from '../../../cards/index.ts';
import { ownerOf } from '../../plugins/auth.ts';
import { CardSchema, presentCard } from '../../presenters/cards.ts';
import { errorResponses } from '../../schemas.ts';
import type { TypedApp } from '../../route.ts';
import { CardParams, cardsDoc } from './schemas.ts';

export function retrieveCardRoute(app: TypedApp): void {
  const { db, clock } = app.deps;
  app.get('/v1/cards/:cardId', {
    schema: {
      ...cardsDoc, operationId: 'cards.retrieve', summary: 'Retrieve a card',
      description: 'The card, masked, with balances from the ledger. Never the full number: see `GET /v1/cards/{cardId}/details`.',
      params: CardParams, response: { 200: CardSchema, ...errorResponses(403, 404) },
    },
  }, async (request) => {
    const card = await getCard(db, ownerOf(request), request.params.cardId);
    return presentCard(card, await readCardBalances(db, card), clock.now());
  });
}
