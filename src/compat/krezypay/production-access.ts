import type { FastifyInstance } from 'fastify';
import type { TSchema } from '@fastify/type-provider-typebox';
import {
  listLiveAccessRequests, requestLiveAccess, type LiveAccessInput, type LiveAccessRequest, type LiveAccessStatus,
} from '../../live-access/index.ts';
import { DomainError } from '../../lib/errors.ts';
import { actionContext, principalOf } from '../../http/plugins/auth.ts';
import { mutation } from '../../http/plugins/idempotency.ts';
import { LiveAccessInputSchema } from '../../http/routes/live-access/schemas.ts';

/** KrezyPay's lower-case words for a request's state, as for its cards. */
const KREZYPAY_REQUEST_STATUS: Record<LiveAccessStatus, string> = { PENDING: 'pending', APPROVED: 'approved', REJECTED: 'rejected' };

function krezyRequest(r: LiveAccessRequest) {
  return {
    status: 'success', request_id: r.id, request_status: KREZYPAY_REQUEST_STATUS[r.status], business_name: r.businessName,
    website: r.website, country: r.country, use_case: r.useCase, reason: r.rejectionReason,
    created_at: r.createdAt.toISOString(), reviewed_at: r.reviewedAt?.toISOString() ?? null,
  };
}

/**
 * KrezyPay's "Production Access" (seed 002's menu names it only): `POST …/sandbox/production_access` asks for live
 * access with the native request's fields, `GET` shows the latest request. Asked with a sandbox key, as live keys
 * work only once the operator approves; a live key already has live access, so the live path answers that.
 */
export function productionAccessRoutes(app: FastifyInstance, shared: { params: TSchema; response: Record<number, TSchema> }): void {
  const { db, clock } = app.deps;
  const schema = { tags: ['KrezyPay compatibility'], security: [{ apiKey: [] }], params: shared.params, response: shared.response };

  app.post('/v1/:mode/production_access', {
    config: { auth: 'merchant' },
    schema: {
      ...schema, summary: 'KrezyPay: request production access',
      description: 'Asks the operator for live access: `{"status": "success", "message": "Production access requested.", "request_id": "lar_…", "request_status": "pending", …}`. The native `POST /v1/live_access_requests` with KrezyPay\'s envelope; a second request while one is pending, or once live access is granted, is a 422.',
      body: LiveAccessInputSchema,
    },
  }, (request, reply) => mutation(request, reply, async (tx) => {
    const created = await requestLiveAccess(tx, principalOf(request).merchantId, request.body as LiveAccessInput, actionContext(request, clock.now()));
    return { status: 200, body: { ...krezyRequest(created), message: 'Production access requested.' } };
  }));

  app.get('/v1/:mode/production_access', {
    config: { auth: 'merchant' },
    schema: { ...schema, summary: 'KrezyPay: production access status', description: 'The latest request and its status (pending, approved or rejected with a `reason`); 404 before the first request.' },
  }, async (request) => {
    const [latest] = (await listLiveAccessRequests(db, { merchantId: principalOf(request).merchantId }, { limit: 1, startingAfter: null })).data;
    if (!latest) throw new DomainError('resource_not_found', 'No production access request yet.');
    return krezyRequest(latest);
  });
}
