import type { FastifyInstance } from 'fastify';
import { typed } from '../../route.ts';
import { createReservationRoute } from './create.ts';
import { estimateReservationRoute } from './estimate.ts';

/** Authorization-balance reservations on a card: estimate, then reserve. */
export function reservationRoutes(app: FastifyInstance): void {
  const api = typed(app);
  estimateReservationRoute(api);
  createReservationRoute(api);
}
