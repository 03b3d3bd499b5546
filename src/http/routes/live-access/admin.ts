import type { FastifyInstance } from 'fastify';
import { Type } from '@fastify/type-provider-typebox';
import {
  REJECTION_REASON_LENGTH_MAX, approveLiveAccess, getLiveAccessRequest, listLiveAccessRequests, presentLiveAccessRequest, rejectLiveAccess,
  type LiveAccessStatus,
} from '../../../live-access/index.ts';
import { PAGE_LIMIT_DEFAULT } from '../../../lib/pagination.ts';
import { actionContext, changingPrincipals } from '../../plugins/auth.ts';
import { mutation } from '../../plugins/idempotency.ts';
import { PageQuery, errorResponses, listOf } from '../../schemas.ts';
import { LiveAccessParams, LiveAccessRequestSchema, LiveAccessStatusSchema } from './schemas.ts';

const admin = { config: { auth: 'admin' as const } };
const adminSchema = { tags: ['Admin: production access'], security: [{ adminToken: [] }] };

/** The operator's review of production access requests. */
export function liveAccessAdminRoutes(app: FastifyInstance): void {
  const { db, clock } = app.deps;

  app.get('/admin/v1/live_access_requests', {
    ...admin,
    schema: {
      ...adminSchema, summary: 'List production access requests',
      description: 'Across merchants, newest first; filter by `status` (e.g. PENDING for the review queue) and `merchant_id`.',
      querystring: Type.Object({
        ...PageQuery.properties,
        status: Type.Optional(LiveAccessStatusSchema),
        merchant_id: Type.Optional(Type.String({ maxLength: 64 })),
      }, { additionalProperties: false }),
      response: { 200: listOf(LiveAccessRequestSchema), ...errorResponses() },
    },
  }, async (request) => {
    const q = request.query as { limit?: number; starting_after?: string; status?: LiveAccessStatus; merchant_id?: string };
    const page = await listLiveAccessRequests(db, { status: q.status, merchantId: q.merchant_id }, { limit: q.limit ?? PAGE_LIMIT_DEFAULT, startingAfter: q.starting_after ?? null });
    return { object: 'list' as const, data: page.data.map(presentLiveAccessRequest), has_more: page.hasMore };
  });

  app.get('/admin/v1/live_access_requests/:id', {
    ...admin,
    schema: { ...adminSchema, summary: 'Retrieve a production access request', description: 'One request by id.', params: LiveAccessParams, response: { 200: LiveAccessRequestSchema, ...errorResponses(404) } },
  }, async (request) => presentLiveAccessRequest(await getLiveAccessRequest(db, (request.params as { id: string }).id)));

  app.post('/admin/v1/live_access_requests/:id/approve', {
    ...admin,
    schema: {
      ...adminSchema, summary: 'Approve a production access request',
      description: "APPROVED, and the merchant's live keys work from the next request (as `POST /admin/v1/merchants/{id}/live_access`). Only a PENDING request: 409 `conflict` otherwise. Audited; writes `live_access_request.approved`.",
      params: LiveAccessParams,
      response: { 200: LiveAccessRequestSchema, ...errorResponses(404, 409) },
    },
  }, async (request, reply) => {
    const { id } = request.params as { id: string };
    // The request's merchant never changes, so it can be read before the change whose principals are forgotten after.
    const { merchantId } = await getLiveAccessRequest(db, id);
    return changingPrincipals(request, merchantId, () => mutation(request, reply, async (tx) => {
      const approved = await approveLiveAccess(tx, id, actionContext(request, clock.now()));
      return { status: 200, body: presentLiveAccessRequest(approved) };
    }));
  });

  app.post('/admin/v1/live_access_requests/:id/reject', {
    ...admin,
    schema: {
      ...adminSchema, summary: 'Reject a production access request',
      description: 'REJECTED with a `reason` the merchant sees; the merchant may ask again. Only a PENDING request: 409 `conflict` otherwise. Audited; writes `live_access_request.rejected`.',
      params: LiveAccessParams,
      body: Type.Object({ reason: Type.String({ minLength: 1, maxLength: REJECTION_REASON_LENGTH_MAX }) }, { additionalProperties: false }),
      response: { 200: LiveAccessRequestSchema, ...errorResponses(404, 409, 422) },
    },
  }, (request, reply) => mutation(request, reply, async (tx) => {
    const rejected = await rejectLiveAccess(tx, (request.params as { id: string }).id, (request.body as { reason: string }).reason, actionContext(request, clock.now()));
    return { status: 200, body: presentLiveAccessRequest(rejected) };
  }));
}
