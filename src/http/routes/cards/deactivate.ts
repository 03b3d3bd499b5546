import type { TypedApp } from '../../route.ts';
import { cardStatusRoute } from './status.ts';

export function deactivateCardRoute(app: TypedApp): void {
  cardStatusRoute(app, {
    method: 'PATCH', url: '/v1/cards/:cardId/deactivate', action: 'deactivate', operationId: 'cards.deactivate',
    summary: 'Deactivate (freeze) a card',
    description: 'ACTIVE → INACTIVE: authorizations are declined until it is activated again. 409 `invalid_card_status` from any '
      + 'other status. Audited; writes `card.updated`.',
  });
}
