import type { TypedApp } from '../../route.ts';
import { cardStatusRoute } from './status.ts';

export function activateCardRoute(app: TypedApp): void {
  cardStatusRoute(app, {
    method: 'PATCH', url: '/v1/cards/:cardId/activate', action: 'activate', operationId: 'cards.activate',
    summary: 'Activate (unfreeze) a card',
    description: 'INACTIVE → ACTIVE. A physical card is activated the first time with its code (`activate_physical`). '
      + '409 `invalid_card_status` from any other status. Audited; writes `card.updated`.',
  });
}
