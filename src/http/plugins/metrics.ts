import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { AuthorizationService } from '../../authorizations/index.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The registry /metrics serves; the ISO 8583 listener (src/network) registers its metrics in it too. */
    metrics: Registry;
  }
}

/** Request counts and latencies by route template (never the raw URL: ids would explode cardinality). */
export function registerMetrics(app: FastifyInstance): Registry {
  const registry = new Registry();
  app.decorate('metrics', registry);
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
  registerAuthorizationMetrics(registry, app.authorizations);
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

/** The authorization hot path (issue 11): outcomes and decline reasons, batches, lanes and real-time decisions. */
function registerAuthorizationMetrics(registry: Registry, service: AuthorizationService): void {
  const { lanes } = service;
  // Group commit (SPEC §11): items ÷ batches is how many authorizations share one database transaction.
  new Gauge({
    name: 'tessera_authorization_batches_committed', help: 'Authorization batches committed since start (one database transaction each).',
    registers: [registry], collect() { this.set(lanes.stats.batches); },
  });
  new Gauge({
    name: 'tessera_authorization_batch_items_committed', help: 'Authorizations committed in those batches since start.',
    registers: [registry], collect() { this.set(lanes.stats.items); },
  });
  new Gauge({
    name: 'tessera_authorization_batch_pending', help: 'Authorizations waiting for a batch or in a running one, all lanes.',
    registers: [registry], collect() { this.set(lanes.stats.pending); },
  });
  new Gauge({
    name: 'tessera_authorization_lane_queue_depth', help: 'Authorizations waiting for a batch, per lane.', labelNames: ['lane'] as const,
    registers: [registry], collect() { lanes.depths.forEach((d, i) => this.set({ lane: String(i) }, d)); },
  });
  const outcomes = new Counter({
    name: 'tessera_authorizations_total', help: 'Authorizations decided, by outcome and decline reason ("" when approved).',
    labelNames: ['outcome', 'reason'] as const, registers: [registry],
  });
  const batchSize = new Histogram({
    name: 'tessera_authorization_batch_size', help: 'Authorizations per batch (one database transaction).', registers: [registry],
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
  });
  const batchLatency = new Histogram({
    name: 'tessera_authorization_batch_duration_seconds', help: 'Time from a batch\'s start to its commit (or failure).', labelNames: ['result'] as const,
    registers: [registry], buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
  });
  const realtime = new Histogram({
    name: 'tessera_authorization_realtime_duration_seconds', help: 'Real-time decision calls to merchants, by who decided (merchant or fallback).',
    labelNames: ['source'] as const, registers: [registry], buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3],
  });
  const fallbacks = new Counter({
    name: 'tessera_authorization_realtime_fallbacks_total', help: 'Real-time decisions that fell back, by why (timeout, error, bad_signature, bad_response).',
    labelNames: ['failure'] as const, registers: [registry],
  });
  service.observe({
    batch(size, ms, ok) {
      batchSize.observe(size);
      batchLatency.observe({ result: ok ? 'committed' : 'failed' }, ms / 1000);
    },
    decided(outcome, reason) {
      outcomes.inc({ outcome, reason: reason ?? '' });
    },
    realtime(ms, source, failure) {
      realtime.observe({ source }, ms / 1000);
      if (source === 'fallback') fallbacks.inc({ failure: failure ?? 'error' });
    },
  });
}
