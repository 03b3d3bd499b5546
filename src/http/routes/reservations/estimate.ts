import { Type } from '@fastify/type-provider-typebox';
import { estimateReservation } from '../../../funding/index.ts';
import { toJsonNumber } from '../../../lib/money.ts';
import { ownerOf } from '../../plugins/auth.ts';
import { amountFrom } from '../../plugins/number-texts.ts';
import { errorResponses } from '../../schemas.ts';
import type { TypedApp } from '../../route.ts';
import { AmountBody, cardMoneyDoc } from '../cards/money.ts';
import { CardParams } from '../cards/schemas.ts';

export const ReservationEstimateSchema = Type.Object({
  object: Type.Literal('reservation_estimate'),
  amount: Type.Integer(),
  fee: Type.Integer(),
  total: Type.Integer(),
  currency: Type.String(),
}, { examples: [{ object: 'reservation_estimate', amount: 300, fee: 103, total: 403, currency: 'USD' }] });

export function estimateReservationRoute(app: TypedApp): void {
  // Not config.idempotent: an estimate moves nothing and was never claimed an Idempotency-Key.
  app.post('/v1/cards/:cardId/reservations/estimate', {
    schema: {
      ...cardMoneyDoc, operationId: 'reservations.estimate', summary: 'Estimate a reservation',
      description: 'The fee and total for reserving `amount` as authorization balance (default fee 1.00 + 1 %, half-up: 300 → fee '
        + '103, total 403). Moves nothing.',
      params: CardParams, body: AmountBody, response: { 200: ReservationEstimateSchema, ...errorResponses(403, 404) },
    },
  }, async (request) => {
    const owner = ownerOf(request);
    const amount = amountFrom(request, 'amount');
    const e = await app.deps.db.transaction((tx) => estimateReservation(tx, owner, request.params.cardId, amount));
    return {
      object: 'reservation_estimate' as const, amount: toJsonNumber(e.amount), fee: toJsonNumber(e.fee), total: toJsonNumber(e.total),
      currency: e.card.currency,
    };
  });
}
