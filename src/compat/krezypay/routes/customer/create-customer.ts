import { createCustomer } from '../../../../customers/index.ts';
import { actionContext, ownerOf } from '../../../../http/plugins/auth.ts';
import { CustomerInputSchema, customerInputOf } from '../../../../http/presenters/customers.ts';
import { txOf, type TypedApp } from '../../../../http/route.ts';
import { KrezyCustomerSchema, krezyCustomer } from '../../present.ts';
import { Body, krezyErrors, krezyIdempotent, krezyRoute } from '../../schemas.ts';

export const CreateCustomerBody = Body(CustomerInputSchema.properties, {
  first_name: 'Antoine', last_name: 'Jeff', email: 'antoine.jeff@example.com', phone_prefix: '1', phone_number: '4155552671',
  phone_country: 'US', date_of_birth: '1990-04-17',
  address: { line1: '1088 Roosevelt Street', city: 'San Francisco', state: 'California', postal_code: '94105', country: 'US' },
});

export function createCustomerRoute(app: TypedApp): void {
  const { clock, config } = app.deps;
  app.post('/v1/:mode/customer/create', {
    config: krezyIdempotent,
    schema: {
      ...krezyRoute, operationId: 'krezypay.createCustomer', summary: 'KrezyPay: create a customer',
      description: 'Creates a cardholder with the native fields (POST /v1/customers), validated the same way; the customer '
        + `must be at least ${config.minCustomerAge} years old.`,
      body: CreateCustomerBody,
      response: { 200: KrezyCustomerSchema, ...krezyErrors },
    },
  }, async (request) => {
    const input = customerInputOf(request.body);
    const customer = await createCustomer(txOf(request), ownerOf(request), input, { minAge: config.minCustomerAge }, actionContext(request, clock.now()));
    return krezyCustomer(customer);
  });
}
