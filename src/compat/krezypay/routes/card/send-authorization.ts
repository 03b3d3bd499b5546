import { getCard } from '../../../../cards/index.ts';
import { reserve } from '../../../../funding/index.ts';
import { actionContext, ownerOf } from '../../../../http/plugins/auth.ts';
import { txOf, type TypedApp } from '../../../../http/route.ts';
import { Type } from '@fastify/type-provider-typebox';
import { decimalAmountOf, scaleOf } from '../../../shared.ts';
import { CardAmountBody, Success, krezyErrors, krezyIdempotent, krezyRoute } from '../../schemas.ts';

export const TransactionSuccessful = Type.Literal('Transaction successful.');

export function sendAuthorizationRoute(app: TypedApp): void {
  const { clock } = app.deps;
  app.post('/v1/:mode/card/send_authorization', {
    config: krezyIdempotent,
    schema: {
      ...krezyRoute, operationId: 'krezypay.sendAuthorization', summary: 'KrezyPay: send an authorization (reserve funds)',
      description: "Moves amount + fee into the card's authorization balance for 10 minutes (24 hours for business cards); the "
        + 'unused part returns at expiry (seed 002). Not enough on the card: 422, nothing moved.',
      body: CardAmountBody,
      response: {
        200: Success({ message: TransactionSuccessful }, { message: 'Transaction successful.' }, 'Reserved.'),
        ...krezyErrors,
      },
    },
  }, async (request) => {
    const tx = txOf(request);
    const owner = ownerOf(request);
    const card = await getCard(tx, owner, request.body.card_id);
    const amount = decimalAmountOf(request, 'amount', await scaleOf(tx, card.currency));
    await reserve(tx, owner, card.id, amount, actionContext(request, clock.now()));
    return { status: 'success' as const, message: 'Transaction successful.' as const };
  });
}
