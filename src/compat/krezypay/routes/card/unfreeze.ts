import type { TypedApp } from '../../../../http/route.ts';
import { cardStatusRoute } from './card-status.ts';

export function unfreezeCardRoute(app: TypedApp): void {
  cardStatusRoute(app, 'unfreeze', 'activate', {
    operationId: 'krezypay.unfreezeCard', summary: 'KrezyPay: unfreeze a card',
    description: 'Unfreezes a frozen card. A card that is not frozen is a 422 saying why.',
  });
}
