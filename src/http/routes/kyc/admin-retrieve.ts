import { getKycSubmission } from '../../../kyc/index.ts';
import { KycQueueEntrySchema, presentKycQueueEntry } from '../../presenters/kyc.ts';
import { errorResponses } from '../../schemas.ts';
import type { TypedApp } from '../../route.ts';
import { AdminCustomerParams, kycAdmin } from './shared.ts';

export function adminRetrieveKycRoute(app: TypedApp): void {
  app.get('/admin/v1/kyc/:customerId', {
    config: kycAdmin.config,
    schema: {
      ...kycAdmin.schema, operationId: 'admin.kyc.retrieve', summary: 'One KYC submission',
      description: "A customer's submission as the review queue lists it (any status, any merchant): the customer's details, "
        + 'the document type, the last 4 characters of its number, and the sides whose images can be viewed.',
      params: AdminCustomerParams,
      response: { 200: { ...KycQueueEntrySchema, description: 'The submission.' }, ...errorResponses(404) },
    },
  }, async (request) => presentKycQueueEntry(await getKycSubmission(app.deps.db, request.params.customerId)));
}
