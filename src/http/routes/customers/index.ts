import type { FastifyInstance } from 'fastify';
import { Type } from '@fastify/type-provider-typebox';
import {
  createCustomer, getCustomer, listCustomers, presentCustomer, updateCustomer, KYC_STATUSES,
  type CustomerInput, type CustomerPatch, type KycStatus,
} from '../../../customers/index.ts';
import { PAGE_LIMIT_DEFAULT } from '../../../lib/pagination.ts';
import { actionContext, ownerOf } from '../../plugins/auth.ts';
import { mutation } from '../../plugins/idempotency.ts';
import { CustomerInputSchema, CustomerPatchSchema, CustomerSchema } from '../../presenters/customers.ts';
import { PageQuery, errorResponses, listOf } from '../../schemas.ts';

const tags = ['Customers'];
const security = [{ apiKey: [] }];
const IdParams = Type.Object({ id: Type.String({ maxLength: 64, description: 'cus_…' }) });

export function customerRoutes(app: FastifyInstance): void {
  const policy = () => ({ minAge: app.deps.config.minCustomerAge });

  app.post('/v1/customers', {
    schema: {
      tags, security, summary: 'Create a customer',
      description: 'Creates a cardholder. Names must fit the card embossing character set; the phone number is checked against its country with libphonenumber; the customer must be an adult. Emails are unique per merchant and mode (409 `resource_exists`). Writes `customer.created`.',
      body: CustomerInputSchema,
      response: { 201: CustomerSchema, ...errorResponses(403, 409, 422) },
    },
  }, (request, reply) =>
    mutation(request, reply, async (tx) => {
      const customer = await createCustomer(tx, ownerOf(request), request.body as CustomerInput, policy(), actionContext(request, app.deps.clock.now()));
      return { status: 201, body: presentCustomer(customer) };
    }));

  app.get('/v1/customers/:id', {
    schema: {
      tags, security, summary: 'Retrieve a customer', description: "One customer of the calling merchant's mode.",
      params: IdParams, response: { 200: CustomerSchema, ...errorResponses(403, 404) },
    },
  }, async (request) => presentCustomer(await getCustomer(app.deps.db, ownerOf(request), (request.params as { id: string }).id)));

  app.get('/v1/customers', {
    schema: {
      tags, security, summary: 'List customers', description: 'Newest first; filter by `email` and `kyc_status`.',
      querystring: Type.Object({
        ...PageQuery.properties,
        email: Type.Optional(Type.String({ maxLength: 254 })),
        kyc_status: Type.Optional(Type.Union(KYC_STATUSES.map((s) => Type.Literal(s)))),
      }, { additionalProperties: false }),
      response: { 200: listOf(CustomerSchema), ...errorResponses(403) },
    },
  }, async (request) => {
    const q = request.query as { limit?: number; starting_after?: string; email?: string; kyc_status?: KycStatus };
    const page = await listCustomers(app.deps.db, ownerOf(request), { email: q.email, kycStatus: q.kyc_status },
      { limit: q.limit ?? PAGE_LIMIT_DEFAULT, startingAfter: q.starting_after ?? null });
    return { object: 'list' as const, data: page.data.map(presentCustomer), has_more: page.hasMore };
  });

  app.patch('/v1/customers/:id', {
    schema: {
      tags, security, summary: 'Update a customer',
      description: 'Only the fields sent change (address fields individually); the result is validated as a whole. Writes `customer.updated` with the previous values.',
      params: IdParams, body: CustomerPatchSchema,
      response: { 200: CustomerSchema, ...errorResponses(403, 404, 409, 422) },
    },
  }, (request, reply) =>
    mutation(request, reply, async (tx) => {
      const customer = await updateCustomer(tx, ownerOf(request), (request.params as { id: string }).id,
        request.body as CustomerPatch, policy(), actionContext(request, app.deps.clock.now()));
      return { status: 200, body: presentCustomer(customer) };
    }));
}
