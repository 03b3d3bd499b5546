import { decideKyc } from '../../../kyc/index.ts';
import { actionContext } from '../../plugins/auth.ts';
import { presentKyc } from '../../presenters/kyc.ts';
import { txOf, type TypedApp } from '../../route.ts';
import { AdminCustomerParams, decidedResponses, kycAdmin } from './shared.ts';

export function approveKycRoute(app: TypedApp): void {
  app.post('/admin/v1/kyc/:customerId/approve', {
    config: { ...kycAdmin.config, idempotent: true },
    schema: {
      ...kycAdmin.schema, operationId: 'admin.kyc.approve', summary: 'Approve KYC',
      description: 'Decides a WAITING_KYC submission: PASSED. Audited; writes `kyc.updated`.',
      params: AdminCustomerParams, response: decidedResponses,
    },
  }, async (request) => {
    const ctx = { ...actionContext(request, app.deps.clock.now()), keys: app.deps.keys };
    const { customer, record } = await decideKyc(txOf(request), request.params.customerId, 'PASSED', null, ctx);
    return presentKyc(customer, record);
  });
}
