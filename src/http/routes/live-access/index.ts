import type { FastifyInstance } from 'fastify';
import { getLiveAccessRequest, listLiveAccessRequests, presentLiveAccessRequest, requestLiveAccess, type LiveAccessInput } from '../../../live-access/index.ts';
import { PAGE_LIMIT_DEFAULT } from '../../../lib/pagination.ts';
import { actionContext, principalOf } from '../../plugins/auth.ts';
import { mutation } from '../../plugins/idempotency.ts';
import { PageQuery, errorResponses, listOf } from '../../schemas.ts';
import { LiveAccessInputSchema, LiveAccessParams, LiveAccessRequestSchema } from './schemas.ts';

const tags = ['Production access'];
const security = [{ apiKey: [] }];

/** A merchant's requests for production access: asked with a sandbox key (live keys work only once approved). */
export function liveAccessRoutes(app: FastifyInstance): void {
  const { db, clock } = app.deps;

  app.post('/v1/live_access_requests', {
    schema: {
      tags, security, summary: 'Request production access',
      description: 'Asks the operator for live access. The request is PENDING until the operator approves it (live keys then work) or rejects it with a reason (the merchant may ask again). 409 `resource_exists` while another request is PENDING; 409 `conflict` once the merchant has live access. Writes `live_access_request.created` (sandbox).',
      body: LiveAccessInputSchema,
      response: { 201: LiveAccessRequestSchema, ...errorResponses(403, 409, 422) },
    },
  }, (request, reply) => mutation(request, reply, async (tx) => {
    const created = await requestLiveAccess(tx, principalOf(request).merchantId, request.body as LiveAccessInput, actionContext(request, clock.now()));
    return { status: 201, body: presentLiveAccessRequest(created) };
  }));

  app.get('/v1/live_access_requests', {
    schema: {
      tags, security, summary: 'List production access requests',
      description: "The merchant's requests, newest first, with their status and any rejection reason. The same with a sandbox or a live key.",
      querystring: PageQuery,
      response: { 200: listOf(LiveAccessRequestSchema), ...errorResponses(403) },
    },
  }, async (request) => {
    const q = request.query as { limit?: number; starting_after?: string };
    const page = await listLiveAccessRequests(db, { merchantId: principalOf(request).merchantId }, { limit: q.limit ?? PAGE_LIMIT_DEFAULT, startingAfter: q.starting_after ?? null });
    return { object: 'list' as const, data: page.data.map(presentLiveAccessRequest), has_more: page.hasMore };
  });

  app.get('/v1/live_access_requests/:id', {
    schema: {
      tags, security, summary: 'Retrieve a production access request', description: "One of the merchant's requests; another merchant's answers 404.",
      params: LiveAccessParams,
      response: { 200: LiveAccessRequestSchema, ...errorResponses(403, 404) },
    },
  }, async (request) =>
    presentLiveAccessRequest(await getLiveAccessRequest(db, (request.params as { id: string }).id, principalOf(request).merchantId)));
}
