import { withdraw } from '../../../funding/index.ts';
import { actionContext, ownerOf } from '../../plugins/auth.ts';
import { amountFrom } from '../../plugins/number-texts.ts';
import { TransactionSchema, presentTransaction } from '../../presenters/money.ts';
import { txOf, type TypedApp } from '../../route.ts';
import { AmountBody, cardMoneyDoc } from './money.ts';
import { CardParams, cardChangeErrors } from './schemas.ts';

export function withdrawFromCardRoute(app: TypedApp): void {
  app.post('/v1/cards/:cardId/withdraw', {
    config: { idempotent: true },
    schema: {
      ...cardMoneyDoc, operationId: 'cards.withdraw', summary: 'Withdraw from a card',
      description: "Moves `amount` from the card's balance back to the merchant wallet. Not enough on the card: 422 "
        + '`insufficient_funds`, nothing moved.',
      params: CardParams, body: AmountBody, response: { 200: TransactionSchema, ...cardChangeErrors() },
    },
  }, async (request) => {
    const context = actionContext(request, app.deps.clock.now());
    return presentTransaction(await withdraw(txOf(request), ownerOf(request), request.params.cardId, amountFrom(request, 'amount'), context));
  });
}
