import { Type } from '@fastify/type-provider-typebox';
import { readCardBalances, setPin } from '../../../cards/index.ts';
import { ownerOf } from '../../plugins/auth.ts';
import { CardSchema, presentCard } from '../../presenters/cards.ts';
import { txOf, type TypedApp } from '../../route.ts';
import { CardParams, cardChangeErrors, cardContext, cardsDoc } from './schemas.ts';
import { describedAs } from '../../schemas.ts';

export const SetPinBody = Type.Object({
  pin: Type.String({ minLength: 1, maxLength: 12, description: '6 digits, not trivial.' }),
}, { additionalProperties: false, examples: [{ pin: '730915' }] });

export function setCardPinRoute(app: TypedApp): void {
  app.put('/v1/cards/:cardId/pin', {
    config: { idempotent: true },
    schema: {
      ...cardsDoc, operationId: 'cards.setPin', summary: 'Set the PIN',
      description: 'Sets or changes the 6-digit PIN. Trivial PINs (one repeated digit, straight sequences) are refused. Only an '
        + 'IBM 3624 PIN offset is stored; the PIN is never stored, logged or returned. Resets the wrong-tries counter. Audited.',
      params: CardParams,
      body: SetPinBody,
      response: { 200: describedAs(CardSchema, 'The card, `pin_set: true`.'), ...cardChangeErrors() },
    },
  }, async (request) => {
    const tx = txOf(request);
    const card = await setPin(tx, ownerOf(request), request.params.cardId, request.body.pin, cardContext(app, request));
    return presentCard(card, await readCardBalances(tx, card), app.deps.clock.now());
  });
}
