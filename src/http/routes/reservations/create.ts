import { Type } from '@fastify/type-provider-typebox';
import { reserve } from '../../../funding/index.ts';
import { toJsonNumber } from '../../../lib/money.ts';
import { actionContext, ownerOf } from '../../plugins/auth.ts';
import { amountFrom } from '../../plugins/number-texts.ts';
import { Timestamp } from '../../schemas.ts';
import { txOf, type TypedApp } from '../../route.ts';
import { AmountBody, cardMoneyDoc } from '../cards/money.ts';
import { CardParams, cardChangeErrors } from '../cards/schemas.ts';

export const ReservationSchema = Type.Object({
  id: Type.String({ description: 'res_…' }),
  object: Type.Literal('reservation'),
  card_id: Type.String(),
  amount: Type.Integer(),
  fee: Type.Integer(),
  total: Type.Integer(),
  currency: Type.String(),
  expires_at: Timestamp,
  transaction_id: Type.String(),
}, {
  examples: [{
    id: 'res_01jz4c8e2g4j6m8p0r2t4w6y8z', object: 'reservation', card_id: 'card_01jz3q5v8kx2m4n6p8r0t2w4y6', amount: 300, fee: 103,
    total: 403, currency: 'USD', expires_at: '2026-11-04T10:31:37.204Z', transaction_id: 'txn_01jz4c8e2g4j6m8p0r2t4w6y90',
  }],
});

export function createReservationRoute(app: TypedApp): void {
  app.post('/v1/cards/:cardId/reservations', {
    config: { idempotent: true },
    schema: {
      ...cardMoneyDoc, operationId: 'reservations.create', summary: 'Reserve an authorization balance',
      description: "Moves amount + fee from the card's balance to its authorization balance for 10 minutes (24 hours for business "
        + 'cards). What is unused at expiry returns to the balance (`reservation.expired`). Cards in `reserve` mode spend only from '
        + 'the authorization balance.',
      params: CardParams, body: AmountBody, response: { 201: ReservationSchema, ...cardChangeErrors() },
    },
  }, async (request, reply) => {
    const context = actionContext(request, app.deps.clock.now());
    const r = await reserve(txOf(request), ownerOf(request), request.params.cardId, amountFrom(request, 'amount'), context);
    reply.code(201);
    return {
      id: r.id, object: 'reservation' as const, card_id: r.card.id, amount: toJsonNumber(r.amount), fee: toJsonNumber(r.fee),
      total: toJsonNumber(r.total), currency: r.card.currency, expires_at: r.expiresAt.toISOString(), transaction_id: r.transaction.id,
    };
  });
}
