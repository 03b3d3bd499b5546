import { Type } from '@fastify/type-provider-typebox';
import { assignFromStock, readCardBalances } from '../../../cards/index.ts';
import { ownerOf } from '../../plugins/auth.ts';
import { CardSchema, presentCard } from '../../presenters/cards.ts';
import { txOf, type TypedApp } from '../../route.ts';
import { cardChangeErrors, cardContext, cardsDoc } from './schemas.ts';
import { describedAs } from '../../schemas.ts';

export const AssignCardBody = Type.Object({
  account_id: Type.String({ maxLength: 64, description: 'acct_… of a customer whose KYC has PASSED.' }),
  card_number: Type.String({ pattern: '^[0-9]{12,19}$', description: 'The number printed on the stock card.' }),
  auto_activate: Type.Boolean({ description: 'ACTIVE at once; otherwise an activation code is sent to the cardholder.' }),
}, {
  additionalProperties: false,
  examples: [{ account_id: 'acct_01jz3p1h6gq8w2e4r6t8y0v2k4', card_number: '4000056655665556', auto_activate: true }],
});

export function assignCardRoute(app: TypedApp): void {
  app.post('/v1/cards/assign', {
    config: { idempotent: true },
    schema: {
      ...cardsDoc, operationId: 'cards.assign', summary: 'Assign a stock card',
      description: 'Assigns a pre-printed physical card by its number to an account of a customer whose KYC has PASSED (KazePay '
        + "ucardAssign). Only stock the operator imported for this merchant and the key's mode can be assigned; any other number, in "
        + 'stock or not, answers the same 404. With `auto_activate` the card is ACTIVE at once; otherwise an activation code is sent.',
      body: AssignCardBody,
      response: { 201: describedAs(CardSchema, 'The assigned card, masked.'), ...cardChangeErrors() },
    },
  }, async (request, reply) => {
    const tx = txOf(request);
    const { account_id: accountId, card_number: cardNumber, auto_activate: autoActivate } = request.body;
    const card = await assignFromStock(tx, ownerOf(request), { accountId, cardNumber, autoActivate }, cardContext(app, request));
    reply.code(201);
    return presentCard(card, await readCardBalances(tx, card), app.deps.clock.now());
  });
}
