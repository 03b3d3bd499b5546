import { requestLiveAccess } from '../../../live-access/index.ts';
import { actionContext, principalOf } from '../../plugins/auth.ts';
import { errorResponses } from '../../schemas.ts';
import { txOf, type TypedApp } from '../../route.ts';
import { LiveAccessInputSchema, LiveAccessRequestSchema, liveAccessInputOf, liveAccessSchema, presentRequest } from './schemas.ts';

export function requestLiveAccessRoute(app: TypedApp): void {
  app.post('/v1/live_access_requests', {
    config: { idempotent: true },
    schema: {
      ...liveAccessSchema, operationId: 'liveAccessRequests.create', summary: 'Request production access',
      description: 'Asks the operator for live access. The request is PENDING until the operator approves it (live keys then '
        + 'work) or rejects it with a reason (the merchant may ask again). 409 `resource_exists` while another request is '
        + 'PENDING; 409 `conflict` once the merchant has live access. Writes `live_access_request.created` (sandbox).',
      body: LiveAccessInputSchema,
      response: { 201: { ...LiveAccessRequestSchema, description: 'The request, PENDING.' }, ...errorResponses(403, 409, 422) },
    },
  }, async (request, reply) => {
    const created = await requestLiveAccess(txOf(request), principalOf(request).merchantId, liveAccessInputOf(request.body),
      actionContext(request, app.deps.clock.now()));
    reply.code(201);
    return presentRequest(created);
  });
}
