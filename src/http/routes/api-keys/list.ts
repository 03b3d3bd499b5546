import { listKeysOfMode } from '../../../merchants/index.ts';
import { PAGE_LIMIT_DEFAULT } from '../../../lib/pagination.ts';
import { principalOf } from '../../plugins/auth.ts';
import { ApiKeySchema, presentKey } from '../../presenters/merchants.ts';
import { PageQuery, errorResponses, listOf } from '../../schemas.ts';
import type { TypedApp } from '../../route.ts';
import { keysRoute } from './shared.ts';

export function listApiKeysRoute(app: TypedApp): void {
  app.get('/v1/api_keys', {
    config: keysRoute.config,
    schema: {
      ...keysRoute.schema, operationId: 'apiKeys.list', summary: 'List API keys',
      description: "The keys of the calling key's merchant and mode, newest first, revoked ones included; never a key itself "
        + '(`prefix` tells them apart). Needs `keys:write`.',
      querystring: PageQuery,
      response: { 200: listOf(ApiKeySchema), ...errorResponses(403) },
    },
  }, async (request) => {
    const { limit = PAGE_LIMIT_DEFAULT, starting_after: startingAfter = null } = request.query;
    const page = await listKeysOfMode(app.deps.db, principalOf(request), { limit, startingAfter });
    return { object: 'list' as const, data: page.data.map(presentKey), has_more: page.hasMore };
  });
}
