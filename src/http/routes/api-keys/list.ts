import type { FastifyInstance } from 'fastify';
import { listKeysOfMode } from '../../../merchants/index.ts';
import { PAGE_LIMIT_DEFAULT } from '../../../lib/pagination.ts';
import { principalOf } from '../../plugins/auth.ts';
import { ApiKeySchema, presentKey } from '../../presenters/merchants.ts';
import { PageQuery, errorResponses, listOf } from '../../schemas.ts';
import { keysRoute } from './shared.ts';

export function listApiKeysRoute(app: FastifyInstance): void {
  app.get('/v1/api_keys', {
    ...keysRoute,
    schema: {
      ...keysRoute.schema, summary: 'List API keys',
      description: "The keys of the calling key's merchant and mode, newest first, revoked ones included; never a key itself "
        + '(`prefix` tells them apart). Needs `keys:write`.',
      querystring: PageQuery,
      response: { 200: listOf(ApiKeySchema), ...errorResponses(403) },
    },
  }, async (request) => {
    const q = request.query as { limit?: number; starting_after?: string };
    const page = await listKeysOfMode(app.deps.db, principalOf(request), { limit: q.limit ?? PAGE_LIMIT_DEFAULT, startingAfter: q.starting_after ?? null });
    return { object: 'list' as const, data: page.data.map(presentKey), has_more: page.hasMore };
  });
}
