import { Type, type Static } from '@fastify/type-provider-typebox';
import { activatePhysical, readCardBalances } from '../../../cards/index.ts';
import { errorBody, type ErrorBody } from '../../errors.ts';
import { ownerOf } from '../../plugins/auth.ts';
import { CardSchema, presentCard } from '../../presenters/cards.ts';
import { mutation } from '../../plugins/idempotency.ts';
import type { TypedApp } from '../../route.ts';
import { CardParams, cardChangeErrors, cardContext, cardsDoc } from './schemas.ts';
import { describedAs } from '../../schemas.ts';

export const ActivatePhysicalBody = Type.Object({
  activation_code: Type.String({ minLength: 1, maxLength: 16, description: 'The one-time code sent to the cardholder by SMS.' }),
}, { additionalProperties: false, examples: [{ activation_code: '48201937' }] });

/** 422 as every route documents it, typed: this route returns it rather than throwing it. */
const Refused = Type.Unsafe<ErrorBody>(cardChangeErrors()[422]!);
const ActivatedCard = describedAs(CardSchema, 'The card, now ACTIVE.');

export function activatePhysicalCardRoute(app: TypedApp): void {
  app.post('/v1/cards/:cardId/activate_physical', {
    // Not config.idempotent: a wrong code is answered 422 from a transaction that commits (its try is counted, and a replay
    // gets the same answer), which a handler typed by its 200 response cannot return; so it calls mutation() itself.
    schema: {
      ...cardsDoc, operationId: 'cards.activatePhysical', summary: 'Activate a physical card',
      description: 'Activates a PENDING_ACTIVATION physical card with the one-time code sent to the cardholder. The customer\'s KYC '
        + 'must have PASSED (422 `kyc_not_passed`). A wrong code is 422 `activation_code_invalid`; after 5 wrong codes activation '
        + 'is locked (422 `activation_locked`) until the operator resets it.',
      params: CardParams,
      body: ActivatePhysicalBody,
      response: { 200: ActivatedCard, ...cardChangeErrors(), 422: Refused },
    },
  }, (request, reply) => mutation<Static<typeof ActivatedCard> | ErrorBody>(request, reply, async (tx) => {
    const result = await activatePhysical(tx, ownerOf(request), request.params.cardId, request.body.activation_code, cardContext(app, request));
    if ('failure' in result) return errorBody(result.failure, request.id);
    return { status: 200, body: presentCard(result.card, await readCardBalances(tx, result.card), app.deps.clock.now()) };
  }));
}
