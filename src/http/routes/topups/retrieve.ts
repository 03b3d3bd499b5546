import type { FastifyInstance } from 'fastify';
import { Type } from '@fastify/type-provider-typebox';
import { getTopup, presentTopup } from '../../../topups/index.ts';
import { ownerOf } from '../../plugins/auth.ts';
import { errorResponses } from '../../schemas.ts';
import { security, tags, TopupSchema, typed } from './shared.ts';

export function retrieveTopupRoute(app: FastifyInstance): void {
  typed(app).get('/v1/topups/:id', {
    schema: {
      tags, security, summary: 'Retrieve a top-up', description: 'One top-up; another merchant\'s, or the other mode\'s, answers 404.',
      params: Type.Object({ id: Type.String({ maxLength: 64, description: 'top_…' }) }),
      response: { 200: TopupSchema, ...errorResponses(403, 404) },
    },
  }, async (request) => presentTopup(await getTopup(app.deps.db, ownerOf(request), request.params.id)));
}
