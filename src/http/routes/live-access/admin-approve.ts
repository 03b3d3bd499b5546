import { approveLiveAccess, getLiveAccessRequest } from '../../../live-access/index.ts';
import { actionContext, changingPrincipals } from '../../plugins/auth.ts';
import { mutation } from '../../plugins/idempotency.ts';
import { errorResponses } from '../../schemas.ts';
import type { TypedApp } from '../../route.ts';
import { LiveAccessParams, LiveAccessRequestSchema, liveAccessAdmin, presentRequest } from './schemas.ts';

export function adminApproveLiveAccessRequestRoute(app: TypedApp): void {
  app.post('/admin/v1/live_access_requests/:id/approve', {
    // Not config.idempotent: the merchant's principals are forgotten after the transaction, around mutation() (changingPrincipals).
    config: liveAccessAdmin.config,
    schema: {
      ...liveAccessAdmin.schema, operationId: 'admin.liveAccessRequests.approve', summary: 'Approve a production access request',
      description: "APPROVED, and the merchant's live keys work from the next request (as `POST /admin/v1/merchants/{id}/live_access`). "
        + 'Only a PENDING request: 409 `conflict` otherwise. Audited; writes `live_access_request.approved`.',
      params: LiveAccessParams,
      response: { 200: { ...LiveAccessRequestSchema, description: 'The request, APPROVED.' }, ...errorResponses(404, 409) },
    },
  }, async (request, reply) => {
    const { id } = request.params;
    // The request's merchant never changes, so it can be read before the change whose principals are forgotten after.
    const { merchantId } = await getLiveAccessRequest(app.deps.db, id);
    return changingPrincipals(request, merchantId, () => mutation(request, reply, async (tx) => {
      const approved = await approveLiveAccess(tx, id, actionContext(request, app.deps.clock.now()));
      return { status: 200, body: presentRequest(approved) };
    }));
  });
}
