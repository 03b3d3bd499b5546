import { Type } from '@fastify/type-provider-typebox';
import { getCard } from '../../../../cards/index.ts';
import { estimateReservation } from '../../../../funding/index.ts';
import { formatMinor } from '../../../../lib/money.ts';
import { ownerOf } from '../../../../http/plugins/auth.ts';
import type { TypedApp } from '../../../../http/route.ts';
import { decimalAmountOf, scaleOf } from '../../../shared.ts';
import { CardAmountBody, Decimal, Success, krezyRead, krezyErrors, krezyRoute } from '../../schemas.ts';

export const EstimateSchema = Success({
  amount: Decimal('The amount asked, in the card currency.'),
  tax: Decimal('The fee: 1 USD + 1 % by default (the operator sets the schedule), rounded half-up.'),
  total: Type.Number({ description: 'amount + tax, as a JSON number (as seed 002 shows it).' }),
}, { amount: '3.00', tax: '1.03', total: 4.03 }, 'The fee and total that send_authorization would reserve.');

export function authorizationEstimateRoute(app: TypedApp): void {
  const { db } = app.deps;
  app.post('/v1/:mode/card/authorization_estimate', {
    config: krezyRead,
    schema: {
      ...krezyRoute, operationId: 'krezypay.estimateAuthorization', summary: 'KrezyPay: estimate an authorization',
      description: 'Fee (1 USD + 1 % by default, half-up) and total for an amount (seed 002); `total` is a JSON number, as '
        + 'documented. Moves nothing.',
      body: CardAmountBody,
      response: { 200: EstimateSchema, ...krezyErrors },
    },
  }, async (request) => {
    const owner = ownerOf(request);
    const card = await getCard(db, owner, request.body.card_id);
    const scale = await scaleOf(db, card.currency);
    const amount = decimalAmountOf(request, 'amount', scale);
    const e = await db.transaction((tx) => estimateReservation(tx, owner, card.id, amount));
    return { status: 'success' as const, amount: formatMinor(e.amount, scale), tax: formatMinor(e.fee, scale), total: Number(formatMinor(e.total, scale)) };
  });
}
