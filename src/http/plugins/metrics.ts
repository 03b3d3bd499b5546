import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Request counts and latencies by route template (never the raw URL: ids would explode cardinality). */
export function registerMetrics(app: FastifyInstance): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'tessera_http_requests_total', help: 'HTTP requests by method, route and status.',
    labelNames: ['method', 'route', 'status'] as const, registers: [registry],
  });
  const latency = new Histogram({
    name: 'tessera_http_request_duration_seconds', help: 'HTTP request latency by method and route.',
    labelNames: ['method', 'route'] as const, registers: [registry],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  });
  // Group commit (SPEC §11): items ÷ batches is how many authorizations share one database transaction.
  const { batcher } = app.authorizations;
  new Gauge({
    name: 'tessera_authorization_batches_committed', help: 'Authorization batches committed since start (one database transaction each).',
    registers: [registry], collect() { this.set(batcher.stats.batches); },
  });
  new Gauge({
    name: 'tessera_authorization_batch_items_committed', help: 'Authorizations committed in those batches since start.',
    registers: [registry], collect() { this.set(batcher.stats.items); },
  });
  new Gauge({
    name: 'tessera_authorization_batch_pending', help: 'Authorizations waiting for a batch or in the running one.',
    registers: [registry], collect() { this.set(batcher.stats.pending); },
  });
  const { availability } = app.deps.db;
  new Gauge({
    name: 'tessera_database_up', help: '1 while the database answers, 0 from the first failed query of an outage until one succeeds again.',
    registers: [registry], collect() { this.set(availability.up ? 1 : 0); },
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    latency.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });
  return registry;
}
