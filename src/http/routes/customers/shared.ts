import { Type } from '@fastify/type-provider-typebox';

export const customersSchema = { tags: ['Customers'], security: [{ apiKey: [] }] };
export const CustomerIdParams = Type.Object({ id: Type.String({ maxLength: 64, description: 'cus_…' }) });
