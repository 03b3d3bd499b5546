import type { TypedApp } from '../../route.ts';
import { cardStatusRoute } from './status.ts';

export function terminateCardRoute(app: TypedApp): void {
  cardStatusRoute(app, {
    method: 'DELETE', url: '/v1/cards/:cardId', action: 'terminate', operationId: 'cards.terminate',
    summary: 'Terminate a card',
    description: 'Irreversible: no new authorizations; holds already pending can still clear for up to 30 days. Audited; writes '
      + '`card.terminated`.',
  });
}
