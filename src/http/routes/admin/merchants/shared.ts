import { Type } from '@fastify/type-provider-typebox';

export const adminRoute = {
  config: { auth: 'admin' as const },
  schema: { tags: ['Admin: merchants'], security: [{ adminToken: [] }] },
};

export const MerchantParams = Type.Object({ id: Type.String({ maxLength: 64, description: 'mch_…' }) });
export const KeyParams = Type.Object({ id: Type.String({ maxLength: 64 }), keyId: Type.String({ maxLength: 64, description: 'apikey_…' }) });
