import { Type } from '@fastify/type-provider-typebox';
import { getAccount } from '../../../accounts/index.ts';
import { ownerOf } from '../../plugins/auth.ts';
import { AccountSchema, presentAccount } from '../../presenters/accounts.ts';
import { errorResponses } from '../../schemas.ts';
import type { TypedApp } from '../../route.ts';
import { accountsSchema } from './shared.ts';

export function retrieveAccountRoute(app: TypedApp): void {
  app.get('/v1/accounts/:id', {
    schema: {
      ...accountsSchema, operationId: 'accounts.retrieve', summary: 'Retrieve an account',
      description: 'One account of the calling merchant and mode.',
      params: Type.Object({ id: Type.String({ maxLength: 64, description: 'acct_…' }) }),
      response: { 200: { ...AccountSchema, description: 'The account.' }, ...errorResponses(403, 404) },
    },
  }, async (request) => presentAccount(await getAccount(app.deps.db, ownerOf(request), request.params.id)));
}
