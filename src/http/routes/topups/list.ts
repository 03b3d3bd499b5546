import { Type } from '@fastify/type-provider-typebox';
import { listTopups } from '../../../topups/index.ts';
import { PAGE_LIMIT_DEFAULT } from '../../../lib/pagination.ts';
import { ownerOf } from '../../plugins/auth.ts';
import type { TypedApp } from '../../route.ts';
import { errorResponses, listOf, PageQuery } from '../../schemas.ts';
import { presentTopupBody, TopupSchema, topupsSchema, TopupStatusSchema } from './shared.ts';

export function listTopupsRoute(app: TypedApp): void {
  app.get('/v1/topups', {
    schema: {
      ...topupsSchema, operationId: 'topups.list', summary: 'List top-ups', description: 'Newest first, in the key\'s mode; `status` keeps one state.',
      querystring: Type.Object({ ...PageQuery.properties, status: Type.Optional(TopupStatusSchema) }, { additionalProperties: false }),
      response: { 200: { ...listOf(TopupSchema), description: 'A page of top-ups.' }, ...errorResponses(403) },
    },
  }, async (request) => {
    const { limit = PAGE_LIMIT_DEFAULT, starting_after: startingAfter, status } = request.query;
    const page = await listTopups(app.deps.db, ownerOf(request), { status: status ?? null }, { limit, startingAfter: startingAfter ?? null });
    return { object: 'list' as const, data: page.data.map(presentTopupBody), has_more: page.hasMore };
  });
}
