import { Type } from '@fastify/type-provider-typebox';
import { getTopup } from '../../../topups/index.ts';
import { ownerOf } from '../../plugins/auth.ts';
import type { TypedApp } from '../../route.ts';
import { errorResponses } from '../../schemas.ts';
import { presentTopupBody, TopupSchema, topupsSchema } from './shared.ts';

export function retrieveTopupRoute(app: TypedApp): void {
  app.get('/v1/topups/:id', {
    schema: {
      ...topupsSchema, operationId: 'topups.retrieve', summary: 'Retrieve a top-up', description: 'One top-up; another merchant\'s, or the other mode\'s, answers 404.',
      params: Type.Object({ id: Type.String({ maxLength: 64, description: 'top_…' }) }),
      response: { 200: { ...TopupSchema, description: 'The top-up.' }, ...errorResponses(403, 404) },
    },
  }, async (request) => presentTopupBody(await getTopup(app.deps.db, ownerOf(request), request.params.id)));
}
