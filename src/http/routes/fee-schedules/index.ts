import type { FastifyInstance } from 'fastify';
import { typed } from '../../route.ts';
import { retrieveFeeScheduleRoute } from './retrieve.ts';
import { setFeeScheduleRoute } from './set.ts';

/** The operator's fee schedule of a merchant (with its authorization mode and clearing tolerance). */
export function feeScheduleRoutes(app: FastifyInstance): void {
  const api = typed(app);
  setFeeScheduleRoute(api);
  retrieveFeeScheduleRoute(api);
}
