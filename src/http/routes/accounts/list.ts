import { listCustomerAccounts } from '../../../accounts/index.ts';
import { ownerOf } from '../../plugins/auth.ts';
import { AccountSchema, presentAccount } from '../../presenters/accounts.ts';
import { errorResponses, listOf } from '../../schemas.ts';
import type { TypedApp } from '../../route.ts';
import { accountsSchema, CustomerIdParams } from './shared.ts';

export function listCustomerAccountsRoute(app: TypedApp): void {
  app.get('/v1/customers/:id/accounts', {
    schema: {
      ...accountsSchema, operationId: 'accounts.list', summary: "List a customer's accounts",
      description: 'Every account of the customer, newest first (not paged: at most one per currency, besides duplicates '
        + 'opened before that rule).',
      params: CustomerIdParams,
      response: { 200: { ...listOf(AccountSchema), description: "The customer's accounts." }, ...errorResponses(403, 404) },
    },
  }, async (request) => {
    const accounts = await listCustomerAccounts(app.deps.db, ownerOf(request), request.params.id);
    return { object: 'list' as const, data: accounts.map(presentAccount), has_more: false };
  });
}
