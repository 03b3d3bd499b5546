import type { FastifyInstance } from 'fastify';
import { topupProviders } from '../../../topups/index.ts';
import { typed } from '../../route.ts';
import { createTopupRoute } from './create.ts';
import { estimateTopupRoute } from './estimate.ts';
import { listTopupsRoute } from './list.ts';
import { retrieveTopupRoute } from './retrieve.ts';
import { topupSchemaRoute } from './schema.ts';

/** Airtime top-up, native API (issue 14 §1). The providers only tell which modes can send; the jobs leader calls them. */
export function topupRoutes(app: FastifyInstance): void {
  const api = typed(app);
  const providers = topupProviders(app.deps.config);
  topupSchemaRoute(api);
  estimateTopupRoute(api);
  createTopupRoute(api, providers);
  listTopupsRoute(api);
  retrieveTopupRoute(api);
}
