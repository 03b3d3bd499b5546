import { changeCardStatus, readCardBalances, type CardAction } from '../../../cards/index.ts';
import { actionContext, ownerOf } from '../../plugins/auth.ts';
import { CardSchema, presentCard } from '../../presenters/cards.ts';
import { txOf, type TypedApp } from '../../route.ts';
import { CardParams, cardChangeErrors, cardsDoc } from './schemas.ts';

export interface StatusRoute {
  method: 'PATCH' | 'DELETE';
  url: string;
  action: CardAction;
  operationId: string;
  summary: string;
  description: string;
}

/** A move of the card's state machine (deactivate, activate, terminate): one route each, this one body. */
export function cardStatusRoute(app: TypedApp, route: StatusRoute): void {
  const { method, url, action, ...doc } = route;
  app.route({
    method, url,
    config: { idempotent: true },
    schema: { ...cardsDoc, ...doc, params: CardParams, response: { 200: CardSchema, ...cardChangeErrors() } },
    handler: async (request) => {
      const tx = txOf(request);
      const card = await changeCardStatus(tx, ownerOf(request), request.params.cardId, action, actionContext(request, app.deps.clock.now()));
      return presentCard(card, await readCardBalances(tx, card), app.deps.clock.now());
    },
  });
}
