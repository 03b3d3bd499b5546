import { Type } from '@fastify/type-provider-typebox';
import { KycSchema } from '../../presenters/kyc.ts';
import { errorResponses } from '../../schemas.ts';

export const kycSchema = { tags: ['KYC'], security: [{ apiKey: [] }] };
export const kycAdmin = {
  config: { auth: 'admin' as const },
  schema: { tags: ['Admin: KYC'], security: [{ adminToken: [] }] },
};
export const CustomerIdParams = Type.Object({ id: Type.String({ maxLength: 64, description: 'cus_…' }) });
export const AdminCustomerParams = Type.Object({ customerId: Type.String({ maxLength: 64, description: 'cus_…' }) });

/** What the operator's approve and reject answer. */
export const decidedResponses = { 200: { ...KycSchema, description: 'The KYC, decided.' }, ...errorResponses(404, 409, 422) };
