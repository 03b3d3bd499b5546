import { Type } from '@fastify/type-provider-typebox';
import { advanceShipment, readCardBalances } from '../../../cards/index.ts';
import { actionContext, ownerOf } from '../../plugins/auth.ts';
import { CardSchema, presentCard } from '../../presenters/cards.ts';
import { errorResponses, describedAs } from '../../schemas.ts';
import { txOf, type TypedApp } from '../../route.ts';
import { CardParams, simulationDoc } from './schemas.ts';

export const ShipmentBody = Type.Object({
  status: Type.Enum(['shipped', 'delivered'] as const, { description: 'The next step: ordered → shipped → delivered.' }),
}, { additionalProperties: false, examples: [{ status: 'shipped' }] });

export function simulateShipmentRoute(app: TypedApp): void {
  app.post('/v1/simulate/cards/:cardId/shipment', {
    config: { sandboxOnly: true, idempotent: true },
    schema: {
      ...simulationDoc, operationId: 'cards.simulateShipment', summary: 'Advance a shipment',
      description: "Sandbox only: moves a physical card's shipment one step, ordered → shipped → delivered. Writes `card.updated`.",
      params: CardParams,
      body: ShipmentBody,
      response: { 200: describedAs(CardSchema, 'The card with its shipment moved.'), ...errorResponses(403, 404, 409) },
    },
  }, async (request) => {
    const tx = txOf(request);
    const card = await advanceShipment(tx, ownerOf(request), request.params.cardId, request.body.status, actionContext(request, app.deps.clock.now()));
    return presentCard(card, await readCardBalances(tx, card), app.deps.clock.now());
  });
}
