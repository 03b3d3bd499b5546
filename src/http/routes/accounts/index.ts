import type { FastifyInstance } from 'fastify';
import { Type } from '@fastify/type-provider-typebox';
import { createAccount, getAccount, listCustomerAccounts, presentAccount } from '../../../accounts/index.ts';
import { actionContext, ownerOf } from '../../plugins/auth.ts';
import { mutation } from '../../plugins/idempotency.ts';
import { errorResponses, listOf, Timestamp } from '../../schemas.ts';

const tags = ['Accounts'];
const security = [{ apiKey: [] }];
const AccountSchema = Type.Object({
  id: Type.String({ description: 'acct_…' }), object: Type.Literal('account'), customer_id: Type.String(), currency: Type.String(),
  livemode: Type.Boolean(), created_at: Timestamp,
});

export function accountRoutes(app: FastifyInstance): void {
  app.post('/v1/customers/:id/accounts', {
    schema: {
      tags, security, summary: 'Open an account',
      description: "Opens a customer account in a currency (ISO 4217, upper case). Cards hang off accounts; by default one virtual and one physical card that is not terminated per account. Also makes sure the merchant's ledger accounts for the currency exist. Writes `account.created`.",
      params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
      body: Type.Object({ currency: Type.String({ pattern: '^[A-Z]{3}$', description: 'e.g. USD' }) }, { additionalProperties: false }),
      response: { 201: AccountSchema, ...errorResponses(403, 404, 409, 422) },
    },
  }, (request, reply) =>
    mutation(request, reply, async (tx) => {
      const account = await createAccount(tx, ownerOf(request), (request.params as { id: string }).id,
        (request.body as { currency: string }).currency, actionContext(request, app.deps.clock.now()));
      return { status: 201, body: presentAccount(account) };
    }));

  app.get('/v1/accounts/:id', {
    schema: {
      tags, security, summary: 'Retrieve an account', description: 'One account of the calling merchant and mode.',
      params: Type.Object({ id: Type.String({ maxLength: 64 }) }), response: { 200: AccountSchema, ...errorResponses(403, 404) },
    },
  }, async (request) => presentAccount(await getAccount(app.deps.db, ownerOf(request), (request.params as { id: string }).id)));

  app.get('/v1/customers/:id/accounts', {
    schema: {
      tags, security, summary: "List a customer's accounts", description: 'Every account of the customer, newest first.',
      params: Type.Object({ id: Type.String({ maxLength: 64 }) }), response: { 200: listOf(AccountSchema), ...errorResponses(403, 404) },
    },
  }, async (request) => {
    const accounts = await listCustomerAccounts(app.deps.db, ownerOf(request), (request.params as { id: string }).id);
    return { object: 'list' as const, data: accounts.map(presentAccount), has_more: false };
  });
}
