import type { FastifyInstance } from 'fastify';
import { typed } from '../../../route.ts';
import { listTopupProductsRoute } from './list.ts';
import { replaceTopupProductsRoute } from './replace.ts';

/** The operator's airtime catalogue (issue 14 §1), per mode. */
export function topupProductRoutes(app: FastifyInstance): void {
  const api = typed(app);
  listTopupProductsRoute(api);
  replaceTopupProductsRoute(api);
}
