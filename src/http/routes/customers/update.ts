import { updateCustomer } from '../../../customers/index.ts';
import { actionContext, ownerOf } from '../../plugins/auth.ts';
import { CustomerPatchSchema, CustomerSchema, customerPatchOf, presentCustomer } from '../../presenters/customers.ts';
import { errorResponses } from '../../schemas.ts';
import { txOf, type TypedApp } from '../../route.ts';
import { CustomerIdParams, customersSchema } from './shared.ts';

export function updateCustomerRoute(app: TypedApp): void {
  app.patch('/v1/customers/:id', {
    config: { idempotent: true },
    schema: {
      ...customersSchema, operationId: 'customers.update', summary: 'Update a customer',
      description: 'Only the fields sent change (address fields individually); the result is validated as a whole. Writes '
        + '`customer.updated` with the previous values.',
      params: CustomerIdParams, body: CustomerPatchSchema,
      response: { 200: { ...CustomerSchema, description: 'The customer as updated.' }, ...errorResponses(403, 404, 409, 422) },
    },
  }, async (request) => {
    const policy = { minAge: app.deps.config.minCustomerAge };
    return presentCustomer(await updateCustomer(txOf(request), ownerOf(request), request.params.id, customerPatchOf(request.body),
      policy, actionContext(request, app.deps.clock.now())));
  });
}
