import { withdraw } from '../../../../funding/index.ts';
import type { TypedApp } from '../../../../http/route.ts';
import { fundsRoute } from './funds.ts';

export function withdrawRoute(app: TypedApp): void {
  fundsRoute(app, 'withdraw', {
    operationId: 'krezypay.withdrawFunds', summary: 'KrezyPay: withdraw funds',
    description: "Moves `amount` (a decimal in the card's currency) from the card back to the merchant wallet. More than the "
      + "card's available balance: 422, nothing moved.",
  }, withdraw);
}
