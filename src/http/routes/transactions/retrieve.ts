import { Type } from '@fastify/type-provider-typebox';
import { getTransaction } from '../../../transactions/index.ts';
import { ownerOf } from '../../plugins/auth.ts';
import { TransactionSchema, presentTransaction } from '../../presenters/money.ts';
import { errorResponses } from '../../schemas.ts';
import type { TypedApp } from '../../route.ts';
import { transactionsDoc } from '../authorizations/schemas.ts';

export function retrieveTransactionRoute(app: TypedApp): void {
  app.get('/v1/transactions/:id', {
    schema: {
      ...transactionsDoc, operationId: 'transactions.retrieve', summary: 'Retrieve a transaction', description: 'One transaction.',
      params: Type.Object({ id: Type.String({ maxLength: 64, description: 'txn_…' }) }),
      response: { 200: TransactionSchema, ...errorResponses(403, 404) },
    },
  }, async (request) => presentTransaction(await getTransaction(app.deps.db, ownerOf(request), request.params.id)));
}
