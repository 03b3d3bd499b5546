import type { FastifyInstance } from 'fastify';
import { Type } from '@fastify/type-provider-typebox';
import type { Registry } from 'prom-client';
import { pendingMigrations } from '../../../db/index.ts';

const tags = ['System'];

export function systemRoutes(app: FastifyInstance, metrics: Registry): void {
  app.get('/health', {
    config: { auth: 'public' },
    schema: {
      tags, summary: 'Liveness', description: 'Answers while the process is up; does not touch the database.',
      response: { 200: Type.Object({ status: Type.Literal('ok') }) },
    },
  }, async () => ({ status: 'ok' as const }));

  app.get('/ready', {
    config: { auth: 'public' },
    schema: {
      tags, summary: 'Readiness',
      description: 'Answers 200 when the database is reachable and every migration is applied, else 503 with the reason.',
      response: {
        200: Type.Object({ status: Type.Literal('ready'), database: Type.String() }),
        503: Type.Object({ status: Type.Literal('unavailable'), reason: Type.String() }),
      },
    },
  }, async (request, reply) => {
    const { db } = app.deps;
    try {
      const pending = await pendingMigrations(db);
      if (pending.length > 0) return reply.code(503).send({ status: 'unavailable', reason: `${pending.length} migration(s) pending` });
      return { status: 'ready' as const, database: db.kind };
    } catch (err) {
      request.log.warn({ err }, 'readiness check failed');
      return reply.code(503).send({ status: 'unavailable', reason: 'database unreachable' });
    }
  });

  app.get('/metrics', {
    config: { auth: 'public' },
    schema: { tags, summary: 'Prometheus metrics', description: 'Request counts and latencies by route, and process metrics, in the Prometheus text format.' },
  }, async (_request, reply) => {
    reply.type(metrics.contentType);
    return metrics.metrics();
  });
}
