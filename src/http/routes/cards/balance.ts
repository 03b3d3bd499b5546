import { Type, type Static } from '@fastify/type-provider-typebox';
import { cardBalance, type CardBalance } from '../../../funding/index.ts';
import { toJsonNumber } from '../../../lib/money.ts';
import { ownerOf } from '../../plugins/auth.ts';
import { errorResponses } from '../../schemas.ts';
import type { TypedApp } from '../../route.ts';
import { cardMoneyDoc } from './money.ts';
import { CardParams } from './schemas.ts';

export const CardBalanceSchema = Type.Object({
  object: Type.Literal('balance'),
  currency: Type.String(),
  available: Type.Integer({ description: 'Spendable now, minor units.' }),
  authorization_balance: Type.Integer({ description: 'Reserved for authorizations, minor units.' }),
  pending_holds: Type.Integer({ description: 'Held by authorizations not yet cleared, minor units.' }),
}, { examples: [{ object: 'balance', currency: 'USD', available: 12500, authorization_balance: 2000, pending_holds: 1850 }] });

const presentBalance = (b: CardBalance) => ({
  object: 'balance' as const, currency: b.currency, available: toJsonNumber(b.available),
  authorization_balance: toJsonNumber(b.authorizationBalance), pending_holds: toJsonNumber(b.pendingHolds),
}) satisfies Static<typeof CardBalanceSchema>;

export function cardBalanceRoute(app: TypedApp): void {
  app.get('/v1/cards/:cardId/balance', {
    schema: {
      ...cardMoneyDoc, operationId: 'cards.retrieveBalance', summary: 'Card balance',
      description: 'All from the ledger: `available` to spend, the `authorization_balance` (reserve), and `pending_holds` '
        + '(authorizations not yet cleared).',
      params: CardParams,
      response: { 200: CardBalanceSchema, ...errorResponses(403, 404) },
    },
  }, async (request) => presentBalance(await cardBalance(app.deps.db, ownerOf(request), request.params.cardId)));
}
