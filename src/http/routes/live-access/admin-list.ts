import { Type } from '@fastify/type-provider-typebox';
import { listLiveAccessRequests } from '../../../live-access/index.ts';
import { PAGE_LIMIT_DEFAULT } from '../../../lib/pagination.ts';
import { PageQuery, errorResponses, listOf } from '../../schemas.ts';
import type { TypedApp } from '../../route.ts';
import { LiveAccessRequestSchema, LiveAccessStatusSchema, liveAccessAdmin, presentRequest } from './schemas.ts';

export const AdminLiveAccessQuery = Type.Object({
  ...PageQuery.properties,
  status: Type.Optional(LiveAccessStatusSchema),
  merchant_id: Type.Optional(Type.String({ maxLength: 64, description: 'mch_…' })),
}, { additionalProperties: false });

export function adminListLiveAccessRequestsRoute(app: TypedApp): void {
  app.get('/admin/v1/live_access_requests', {
    config: liveAccessAdmin.config,
    schema: {
      ...liveAccessAdmin.schema, operationId: 'admin.liveAccessRequests.list', summary: 'List production access requests',
      description: 'Across merchants, newest first; filter by `status` (e.g. PENDING for the review queue) and `merchant_id`.',
      querystring: AdminLiveAccessQuery,
      response: { 200: { ...listOf(LiveAccessRequestSchema), description: 'A page of requests.' }, ...errorResponses() },
    },
  }, async (request) => {
    const { limit = PAGE_LIMIT_DEFAULT, starting_after: startingAfter = null, status, merchant_id: merchantId } = request.query;
    const page = await listLiveAccessRequests(app.deps.db, { status, merchantId }, { limit, startingAfter });
    return { object: 'list' as const, data: page.data.map(presentRequest), has_more: page.hasMore };
  });
}
