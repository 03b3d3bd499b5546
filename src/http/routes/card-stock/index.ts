import type { FastifyInstance } from 'fastify';
import { typed } from '../../route.ts';
import { importCardStockRoute } from './import.ts';
import { listCardStockRoute } from './list.ts';

/** The operator's pre-printed card stock: import it for a merchant, list it. */
export function cardStockRoutes(app: FastifyInstance): void {
  const api = typed(app);
  importCardStockRoute(api);
  listCardStockRoute(api);
}
