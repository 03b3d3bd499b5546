import type { FastifyInstance } from 'fastify';
import { typed } from '../../route.ts';
import { activatePhysicalCardRoute } from './activate-physical.ts';
import { activateCardRoute } from './activate.ts';
import { assignCardRoute } from './assign.ts';
import { cardBalanceRoute } from './balance.ts';
import { closeCardRoute } from './close.ts';
import { createCardRoute } from './create.ts';
import { deactivateCardRoute } from './deactivate.ts';
import { fundCardRoute } from './fund.ts';
import { listAccountCardsRoute } from './list-for-account.ts';
import { listCardsRoute } from './list.ts';
import { resetActivationRoute } from './reset-activation.ts';
import { retrieveCardRoute } from './retrieve.ts';
import { revealCardRoute } from './reveal.ts';
import { setCardPinRoute } from './set-pin.ts';
import { simulateShipmentRoute } from './simulate-shipment.ts';
import { terminateCardRoute } from './terminate.ts';
import { updateCardRoute } from './update.ts';
import { withdrawFromCardRoute } from './withdraw.ts';

/** Cards: issue, read, change, reveal, PIN and activation, money on a card, and the operator's activation reset. One file each. */
export function cardRoutes(app: FastifyInstance): void {
  const api = typed(app);
  createCardRoute(api);
  listAccountCardsRoute(api);
  listCardsRoute(api);
  retrieveCardRoute(api);
  updateCardRoute(api);
  deactivateCardRoute(api);
  activateCardRoute(api);
  terminateCardRoute(api);
  revealCardRoute(api);
  activatePhysicalCardRoute(api);
  setCardPinRoute(api);
  assignCardRoute(api);
  simulateShipmentRoute(api);
  fundCardRoute(api);
  withdrawFromCardRoute(api);
  cardBalanceRoute(api);
  closeCardRoute(api);
  resetActivationRoute(api);
}
