import { getCustomer } from '../../../customers/index.ts';
import { ownerOf } from '../../plugins/auth.ts';
import { CustomerSchema, presentCustomer } from '../../presenters/customers.ts';
import { errorResponses } from '../../schemas.ts';
import type { TypedApp } from '../../route.ts';
import { CustomerIdParams, customersSchema } from './shared.ts';

export function retrieveCustomerRoute(app: TypedApp): void {
  app.get('/v1/customers/:id', {
    schema: {
      ...customersSchema, operationId: 'customers.retrieve', summary: 'Retrieve a customer',
      description: "One customer of the calling merchant's mode; another merchant's, or the other mode's, answers 404.",
      params: CustomerIdParams,
      response: { 200: { ...CustomerSchema, description: 'The customer.' }, ...errorResponses(403, 404) },
    },
  }, async (request) => presentCustomer(await getCustomer(app.deps.db, ownerOf(request), request.params.id)));
}
