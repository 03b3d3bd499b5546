import { createCustomer } from '../../../customers/index.ts';
import { actionContext, ownerOf } from '../../plugins/auth.ts';
import { CustomerInputSchema, CustomerSchema, customerInputOf, presentCustomer } from '../../presenters/customers.ts';
import { errorResponses } from '../../schemas.ts';
import { txOf, type TypedApp } from '../../route.ts';
import { customersSchema } from './shared.ts';

export function createCustomerRoute(app: TypedApp): void {
  app.post('/v1/customers', {
    config: { idempotent: true },
    schema: {
      ...customersSchema, operationId: 'customers.create', summary: 'Create a customer',
      description: 'Creates a cardholder. Names must fit the card embossing character set; the phone number is checked against '
        + 'its country with libphonenumber; the customer must be an adult. Emails are unique per merchant and mode (409 '
        + '`resource_exists`). Writes `customer.created`.',
      body: CustomerInputSchema,
      response: { 201: { ...CustomerSchema, description: 'The customer, KYC NOT_STARTED.' }, ...errorResponses(403, 409, 422) },
    },
  }, async (request, reply) => {
    const policy = { minAge: app.deps.config.minCustomerAge };
    const customer = await createCustomer(txOf(request), ownerOf(request), customerInputOf(request.body), policy,
      actionContext(request, app.deps.clock.now()));
    reply.code(201);
    return presentCustomer(customer);
  });
}
