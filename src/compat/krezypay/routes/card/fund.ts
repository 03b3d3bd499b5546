import { fundCard } from '../../../../funding/index.ts';
import type { TypedApp } from '../../../../http/route.ts';
import { fundsRoute } from './funds.ts';

export function fundCardRoute(app: TypedApp): void {
  fundsRoute(app, 'fund', {
    operationId: 'krezypay.fundCard', summary: 'KrezyPay: fund a card',
    description: "Moves `amount` (a decimal in the card's currency) from the merchant wallet onto the card, with the funding fee "
      + 'if the schedule has one. Not enough in the wallet: 422, nothing moved.',
  }, fundCard);
}
