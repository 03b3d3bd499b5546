import { Type } from '@fastify/type-provider-typebox';
import { KYC_STATUSES, listCustomers } from '../../../customers/index.ts';
import { PAGE_LIMIT_DEFAULT } from '../../../lib/pagination.ts';
import { ownerOf } from '../../plugins/auth.ts';
import { CustomerSchema, presentCustomer } from '../../presenters/customers.ts';
import { PageQuery, errorResponses, listOf } from '../../schemas.ts';
import type { TypedApp } from '../../route.ts';
import { customersSchema } from './shared.ts';

export const ListCustomersQuery = Type.Object({
  ...PageQuery.properties,
  email: Type.Optional(Type.String({ maxLength: 254, description: 'Exact email (case does not matter).' })),
  kyc_status: Type.Optional(Type.Enum(KYC_STATUSES)),
}, { additionalProperties: false });

export function listCustomersRoute(app: TypedApp): void {
  app.get('/v1/customers', {
    schema: {
      ...customersSchema, operationId: 'customers.list', summary: 'List customers',
      description: 'Newest first; filter by `email` and `kyc_status`.',
      querystring: ListCustomersQuery,
      response: { 200: { ...listOf(CustomerSchema), description: 'A page of customers.' }, ...errorResponses(403) },
    },
  }, async (request) => {
    const { limit = PAGE_LIMIT_DEFAULT, starting_after: startingAfter = null, email, kyc_status: kycStatus } = request.query;
    const page = await listCustomers(app.deps.db, ownerOf(request), { email, kycStatus }, { limit, startingAfter });
    return { object: 'list' as const, data: page.data.map(presentCustomer), has_more: page.hasMore };
  });
}
