import { listLiveAccessRequests } from '../../../live-access/index.ts';
import { PAGE_LIMIT_DEFAULT } from '../../../lib/pagination.ts';
import { principalOf } from '../../plugins/auth.ts';
import { PageQuery, errorResponses, listOf } from '../../schemas.ts';
import type { TypedApp } from '../../route.ts';
import { LiveAccessRequestSchema, liveAccessSchema, presentRequest } from './schemas.ts';

export function listLiveAccessRequestsRoute(app: TypedApp): void {
  app.get('/v1/live_access_requests', {
    schema: {
      ...liveAccessSchema, operationId: 'liveAccessRequests.list', summary: 'List production access requests',
      description: "The merchant's requests, newest first, with their status and any rejection reason. The same with a sandbox "
        + 'or a live key.',
      querystring: PageQuery,
      response: { 200: { ...listOf(LiveAccessRequestSchema), description: 'A page of requests.' }, ...errorResponses(403) },
    },
  }, async (request) => {
    const { limit = PAGE_LIMIT_DEFAULT, starting_after: startingAfter = null } = request.query;
    const page = await listLiveAccessRequests(app.deps.db, { merchantId: principalOf(request).merchantId }, { limit, startingAfter });
    return { object: 'list' as const, data: page.data.map(presentRequest), has_more: page.hasMore };
  });
}
