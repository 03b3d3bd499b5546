import { Type } from '@fastify/type-provider-typebox';
import { getAuthorization } from '../../../authorizations/index.ts';
import { listTransactions } from '../../../transactions/index.ts';
import { ownerOf } from '../../plugins/auth.ts';
import { AUTHORIZATION_EXAMPLE, AuthorizationSchema, TRANSACTION_EXAMPLE, TransactionSchema, presentAuthorization, presentTransaction } from '../../presenters/money.ts';
import { errorResponses } from '../../schemas.ts';
import type { TypedApp } from '../../route.ts';
import { AuthParams, transactionsDoc } from './schemas.ts';

/** Why 100: an authorization's history is its creation, a few increments, a clearing or reversals and refunds. */
const HISTORY_MAX = 100;

export const AuthorizationWithHistorySchema = Type.Object({ ...AuthorizationSchema.properties, history: Type.Array(TransactionSchema) }, {
  examples: [{
    ...AUTHORIZATION_EXAMPLE,
    history: [{
      ...TRANSACTION_EXAMPLE, type: 'authorization', status: 'pending', amount: 1850, fee: 119, merchant_amount: 1850,
      merchant_currency: 'USD', merchant: AUTHORIZATION_EXAMPLE.merchant, response_code: '00', authorization_id: AUTHORIZATION_EXAMPLE.id,
    }],
  }],
});

export function retrieveAuthorizationRoute(app: TypedApp): void {
  const { db } = app.deps;
  app.get('/v1/authorizations/:id', {
    schema: {
      ...transactionsDoc, operationId: 'authorizations.retrieve', summary: 'Retrieve an authorization',
      description: 'The authorization with its history: every transaction that created or changed it (authorization, increments, '
        + 'clearing, reversals, expiry, refunds), oldest first.',
      params: AuthParams,
      response: { 200: AuthorizationWithHistorySchema, ...errorResponses(403, 404) },
    },
  }, async (request) => {
    const owner = ownerOf(request);
    const auth = await getAuthorization(db, owner, request.params.id);
    const history = await listTransactions(db, owner, { authorizationId: auth.id }, HISTORY_MAX, null);
    return { ...presentAuthorization(auth), history: history.data.reverse().map(presentTransaction) };
  });
}
