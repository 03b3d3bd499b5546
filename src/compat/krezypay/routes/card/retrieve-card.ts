import { getCard, maskedNumber, readCardBalances } from '../../../../cards/index.ts';
import { getCustomer } from '../../../../customers/index.ts';
import { ownerOf } from '../../../../http/plugins/auth.ts';
import type { TypedApp } from '../../../../http/route.ts';
import { scaleOf } from '../../../shared.ts';
import { KrezyCardSchema, krezyCard } from '../../present.ts';
import { CardIdBody, krezyRead, krezyErrors, krezyRoute } from '../../schemas.ts';

export function retrieveCardRoute(app: TypedApp): void {
  const { db, keys } = app.deps;
  app.post('/v1/:mode/card/retrieve_card', {
    config: krezyRead,
    schema: {
      ...krezyRoute, operationId: 'krezypay.retrieveCard', summary: 'KrezyPay: retrieve a card',
      description: "Status (lower case), holder, masked number in groups, CVV as ***, last4, exp (MM/YY), balance and authorization "
        + "balance as decimal strings, billing address with the country's English name (seed 000).",
      body: CardIdBody,
      response: { 200: KrezyCardSchema, ...krezyErrors },
    },
  }, async (request) => {
    const owner = ownerOf(request);
    const card = await getCard(db, owner, request.body.card_id);
    const customer = await getCustomer(db, owner, card.customerId);
    const [balances, scale, number] = [await readCardBalances(db, card), await scaleOf(db, card.currency), await maskedNumber(db, keys, card)];
    return krezyCard(card, customer, balances, scale, number, '***');
  });
}
