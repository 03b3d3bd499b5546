import type { FastifyInstance } from 'fastify';
import { typed } from '../../route.ts';
import { listEventsRoute } from './list.ts';
import { redeliverEventRoute } from './redeliver.ts';
import { retrieveEventRoute } from './retrieve.ts';

/** The event log (the outbox, as the merchant sees it) and redelivery; each route in its own file. */
export function eventRoutes(app: FastifyInstance): void {
  const api = typed(app);
  listEventsRoute(api);
  retrieveEventRoute(api);
  redeliverEventRoute(api);
}
