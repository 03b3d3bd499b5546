import { Type } from '@fastify/type-provider-typebox';
import { createAccount } from '../../../accounts/index.ts';
import { actionContext, ownerOf } from '../../plugins/auth.ts';
import { AccountSchema, presentAccount } from '../../presenters/accounts.ts';
import { errorResponses } from '../../schemas.ts';
import { txOf, type TypedApp } from '../../route.ts';
import { accountsSchema, CustomerIdParams } from './shared.ts';

export const CreateAccountBody = Type.Object({
  currency: Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217, upper case, e.g. USD.' }),
}, { additionalProperties: false, examples: [{ currency: 'USD' }] });

export function createAccountRoute(app: TypedApp): void {
  app.post('/v1/customers/:id/accounts', {
    config: { idempotent: true },
    schema: {
      ...accountsSchema, operationId: 'accounts.create', summary: 'Open an account',
      description: 'Opens a customer account in a currency (ISO 4217, upper case): one per customer and currency (409 '
        + '`resource_exists` for a second; the facades that open accounts by themselves use the same one). Cards hang off '
        + 'accounts; by default one virtual and one physical card that is not terminated per account. Also makes sure the '
        + "merchant's ledger accounts for the currency exist. Writes `account.created`.",
      params: CustomerIdParams,
      body: CreateAccountBody,
      response: { 201: { ...AccountSchema, description: 'The account opened.' }, ...errorResponses(403, 404, 409, 422) },
    },
  }, async (request, reply) => {
    const account = await createAccount(txOf(request), ownerOf(request), request.params.id, request.body.currency,
      actionContext(request, app.deps.clock.now()));
    reply.code(201);
    return presentAccount(account);
  });
}
