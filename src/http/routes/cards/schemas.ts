import type { FastifyRequest } from 'fastify';
import { Type } from '@fastify/type-provider-typebox';
import { actionContext } from '../../plugins/auth.ts';
import { errorResponses } from '../../schemas.ts';
import type { TypedApp } from '../../route.ts';

/** The OpenAPI tags and security of the merchant's card routes. */
export const cardsDoc = { tags: ['Cards'], security: [{ apiKey: [] }] };
export const simulationDoc = { tags: ['Simulation'], security: [{ apiKey: [] }] };

export const CardParams = Type.Object({ cardId: Type.String({ maxLength: 64, description: 'card_…' }) });
export const AccountParams = Type.Object({ accountId: Type.String({ maxLength: 64, description: 'acct_…' }) });

/** The errors of a route that changes a card. */
export const cardChangeErrors = () => errorResponses(403, 404, 409, 422);

/** What issuing, PIN and activation need besides who acts: the key provider and the configured BINs. */
export function cardContext(app: TypedApp, request: FastifyRequest) {
  const { clock, keys, config } = app.deps;
  return { ...actionContext(request, clock.now()), keys, bins: config.cardBins };
}
