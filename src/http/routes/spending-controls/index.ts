import type { FastifyInstance } from 'fastify';
import { typed } from '../../route.ts';
import { retrieveSpendingControlsRoute } from './retrieve.ts';
import { setSpendingControlsRoute } from './set.ts';

/** Spending controls of cards and of customers (the same routes under /v1/cards/{id} and /v1/customers/{id}). */
export function spendingControlRoutes(app: FastifyInstance): void {
  const api = typed(app);
  for (const ownerType of ['card', 'customer'] as const) {
    setSpendingControlsRoute(api, ownerType);
    retrieveSpendingControlsRoute(api, ownerType);
  }
}
