import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { typed } from '../../route.ts';
import { healthRoute } from './health.ts';
import { readyRoute } from './ready.ts';
import { metricsRoute } from './metrics.ts';

/** Liveness, readiness and metrics: public, for probes and the scraper. */
export function systemRoutes(app: FastifyInstance, metrics: Registry): void {
  const api = typed(app);
  healthRoute(api);
  readyRoute(api);
  metricsRoute(api, metrics);
}
