import type { FastifyInstance } from 'fastify';
import { typed } from '../../route.ts';
import { listFxRatesRoute } from './list.ts';
import { setFxRatesRoute } from './set.ts';

/** The operator's FX rates. */
export function fxRateRoutes(app: FastifyInstance): void {
  const api = typed(app);
  setFxRatesRoute(api);
  listFxRatesRoute(api);
}
