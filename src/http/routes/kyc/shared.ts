import { Type } from '@fastify/type-provider-typebox';

export const kycSchema = { tags: ['KYC'], security: [{ apiKey: [] }] };
export const kycAdmin = {
  config: { auth: 'admin' as const },
  schema: { tags: ['Admin: KYC'], security: [{ adminToken: [] }] },
};
export const CustomerIdParams = Type.Object({ id: Type.String({ maxLength: 64, description: 'cus_…' }) });
export const AdminCustomerParams = Type.Object({ customerId: Type.String({ maxLength: 64, description: 'cus_…' }) });
