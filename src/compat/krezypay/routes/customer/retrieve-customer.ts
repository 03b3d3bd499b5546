import { getCustomer } from '../../../../customers/index.ts';
import { ownerOf } from '../../../../http/plugins/auth.ts';
import type { TypedApp } from '../../../../http/route.ts';
import { KrezyCustomerSchema, krezyCustomer } from '../../present.ts';
import { Body, CustomerId, EXAMPLE, krezyRead, krezyErrors, krezyRoute } from '../../schemas.ts';

export function retrieveCustomerRoute(app: TypedApp): void {
  const { db } = app.deps;
  app.post('/v1/:mode/customer/retrieve', {
    config: krezyRead,
    schema: {
      ...krezyRoute, operationId: 'krezypay.retrieveCustomer', summary: 'KrezyPay: retrieve a customer',
      description: 'One customer by id; another merchant\'s (or the other mode\'s) is a 404 like an unknown one.',
      body: Body({ customer_id: CustomerId }, { customer_id: EXAMPLE.customerId }),
      response: { 200: KrezyCustomerSchema, ...krezyErrors },
    },
  }, async (request) => krezyCustomer(await getCustomer(db, ownerOf(request), request.body.customer_id)));
}
