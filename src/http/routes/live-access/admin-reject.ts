import { Type } from '@fastify/type-provider-typebox';
import { REJECTION_REASON_LENGTH_MAX, rejectLiveAccess } from '../../../live-access/index.ts';
import { actionContext } from '../../plugins/auth.ts';
import { errorResponses } from '../../schemas.ts';
import { txOf, type TypedApp } from '../../route.ts';
import { LiveAccessParams, LiveAccessRequestSchema, liveAccessAdmin, presentRequest } from './schemas.ts';

export const RejectLiveAccessBody = Type.Object({
  reason: Type.String({ minLength: 1, maxLength: REJECTION_REASON_LENGTH_MAX, description: 'Shown to the merchant.' }),
}, { additionalProperties: false, examples: [{ reason: 'The website does not describe the business; add your terms and contact page.' }] });

export function adminRejectLiveAccessRequestRoute(app: TypedApp): void {
  app.post('/admin/v1/live_access_requests/:id/reject', {
    config: { ...liveAccessAdmin.config, idempotent: true },
    schema: {
      ...liveAccessAdmin.schema, operationId: 'admin.liveAccessRequests.reject', summary: 'Reject a production access request',
      description: 'REJECTED with a `reason` the merchant sees; the merchant may ask again. Only a PENDING request: 409 `conflict` '
        + 'otherwise. Audited; writes `live_access_request.rejected`.',
      params: LiveAccessParams,
      body: RejectLiveAccessBody,
      response: { 200: { ...LiveAccessRequestSchema, description: 'The request, REJECTED.' }, ...errorResponses(404, 409, 422) },
    },
  }, async (request) => presentRequest(await rejectLiveAccess(txOf(request), request.params.id, request.body.reason,
    actionContext(request, app.deps.clock.now()))));
}
