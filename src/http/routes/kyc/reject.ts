import { Type } from '@fastify/type-provider-typebox';
import { decideKyc } from '../../../kyc/index.ts';
import { actionContext } from '../../plugins/auth.ts';
import { presentKyc } from '../../presenters/kyc.ts';
import { txOf, type TypedApp } from '../../route.ts';
import { AdminCustomerParams, decidedResponses, kycAdmin } from './shared.ts';

export const RejectKycBody = Type.Object({
  reason: Type.String({ minLength: 1, maxLength: 500, description: 'Shown to the merchant.' }),
}, { additionalProperties: false, examples: [{ reason: 'The name on the passport does not match the customer.' }] });

export function rejectKycRoute(app: TypedApp): void {
  app.post('/admin/v1/kyc/:customerId/reject', {
    config: { ...kycAdmin.config, idempotent: true },
    schema: {
      ...kycAdmin.schema, operationId: 'admin.kyc.reject', summary: 'Reject KYC',
      description: 'Decides a WAITING_KYC submission: REJECTED, with a reason the merchant sees. Audited; writes `kyc.updated`.',
      params: AdminCustomerParams, body: RejectKycBody, response: decidedResponses,
    },
  }, async (request) => {
    const ctx = { ...actionContext(request, app.deps.clock.now()), keys: app.deps.keys };
    const { customer, record } = await decideKyc(txOf(request), request.params.customerId, 'REJECTED', request.body.reason, ctx);
    return presentKyc(customer, record);
  });
}
