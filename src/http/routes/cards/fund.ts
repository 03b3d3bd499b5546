import { fundCard } from '../../../funding/index.ts';
import { actionContext, ownerOf } from '../../plugins/auth.ts';
import { amountFrom } from '../../plugins/number-texts.ts';
import { TransactionSchema, presentTransaction } from '../../presenters/money.ts';
import { txOf, type TypedApp } from '../../route.ts';
import { AmountBody, cardMoneyDoc } from './money.ts';
import { CardParams, cardChangeErrors } from './schemas.ts';

export function fundCardRoute(app: TypedApp): void {
  app.post('/v1/cards/:cardId/fund', {
    config: { idempotent: true },
    schema: {
      ...cardMoneyDoc, operationId: 'cards.fund', summary: 'Fund a card',
      description: "Moves `amount` from the merchant wallet of the card's currency to the card, plus the funding fee if the schedule "
        + 'has one. Not enough in the wallet: 422 `insufficient_funds`, nothing moved.',
      params: CardParams, body: AmountBody, response: { 200: TransactionSchema, ...cardChangeErrors() },
    },
  }, async (request) => {
    const context = actionContext(request, app.deps.clock.now());
    return presentTransaction(await fundCard(txOf(request), ownerOf(request), request.params.cardId, amountFrom(request, 'amount'), context));
  });
}
