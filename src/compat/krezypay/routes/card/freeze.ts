import type { TypedApp } from '../../../../http/route.ts';
import { cardStatusRoute } from './card-status.ts';

export function freezeCardRoute(app: TypedApp): void {
  cardStatusRoute(app, 'freeze', 'deactivate', {
    operationId: 'krezypay.freezeCard', summary: 'KrezyPay: freeze a card',
    description: 'Freezes an active card (Tessera INACTIVE): it declines every authorization until unfrozen. A card that is not '
      + 'active is a 422 saying why.',
  });
}
