import type { FastifyInstance } from 'fastify';
import { Type } from '@fastify/type-provider-typebox';
import { listTopups, presentTopup } from '../../../topups/index.ts';
import { PAGE_LIMIT_DEFAULT } from '../../../lib/pagination.ts';
import { ownerOf } from '../../plugins/auth.ts';
import { errorResponses, listOf, PageQuery } from '../../schemas.ts';
import { security, tags, TopupSchema, TopupStatusSchema, typed } from './shared.ts';

export function listTopupsRoute(app: FastifyInstance): void {
  typed(app).get('/v1/topups', {
    schema: {
      tags, security, summary: 'List top-ups', description: 'Newest first, in the key\'s mode; `status` keeps one state.',
      querystring: Type.Object({ ...PageQuery.properties, status: Type.Optional(TopupStatusSchema) }, { additionalProperties: false }),
      response: { 200: listOf(TopupSchema), ...errorResponses(403) },
    },
  }, async (request) => {
    const { limit = PAGE_LIMIT_DEFAULT, starting_after: startingAfter, status } = request.query;
    const page = await listTopups(app.deps.db, ownerOf(request), { status: status ?? null }, { limit, startingAfter: startingAfter ?? null });
    return { object: 'list' as const, data: page.data.map(presentTopup), has_more: page.hasMore };
  });
}
