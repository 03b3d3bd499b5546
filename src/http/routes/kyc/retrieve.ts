import { getKyc } from '../../../kyc/index.ts';
import { ownerOf } from '../../plugins/auth.ts';
import { KycSchema, presentKyc } from '../../presenters/kyc.ts';
import { errorResponses } from '../../schemas.ts';
import type { TypedApp } from '../../route.ts';
import { CustomerIdParams, kycSchema } from './shared.ts';

export function retrieveKycRoute(app: TypedApp): void {
  app.get('/v1/customers/:id/kyc', {
    schema: {
      ...kycSchema, operationId: 'kyc.retrieve', summary: 'KYC status',
      description: 'The status and, after a rejection, the reason. Never the images or the full document number.',
      params: CustomerIdParams,
      response: { 200: { ...KycSchema, description: "The customer's KYC." }, ...errorResponses(403, 404) },
    },
  }, async (request) => {
    const { customer, record } = await getKyc(app.deps.db, ownerOf(request), request.params.id);
    return presentKyc(customer, record);
  });
}
