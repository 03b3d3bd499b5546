import { Type } from '@fastify/type-provider-typebox';
import { pendingMigrations } from '../../../db/index.ts';
import type { TypedApp } from '../../route.ts';
import { systemRoute } from './schemas.ts';

export const ReadySchema = Type.Object({
  status: Type.Literal('ready'),
  database: Type.String({ description: 'The kind of database: `postgres` or `pglite`.' }),
}, {
  description: 'The database is reachable and every migration is applied.', examples: [{ status: 'ready', database: 'postgres' }],
});

export const UnavailableSchema = Type.Object({
  status: Type.Literal('unavailable'),
  reason: Type.String(),
}, {
  description: 'Not ready: the database cannot be reached or migrations are pending.',
  examples: [{ status: 'unavailable', reason: 'database unreachable' }],
});

export function readyRoute(app: TypedApp): void {
  app.get('/ready', {
    config: systemRoute.config,
    schema: {
      ...systemRoute.schema, operationId: 'system.ready', summary: 'Readiness',
      description: 'Answers 200 when the database is reachable and every migration is applied, else 503 with the reason.',
      response: { 200: ReadySchema, 503: UnavailableSchema },
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
}
