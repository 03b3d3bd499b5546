import { Type } from '@fastify/type-provider-typebox';
import { TRANSACTION_STATUSES, TRANSACTION_TYPES, listTransactions } from '../../../transactions/index.ts';
import { PAGE_LIMIT_DEFAULT } from '../../../lib/pagination.ts';
import { ownerOf } from '../../plugins/auth.ts';
import { TransactionSchema, presentTransaction } from '../../presenters/money.ts';
import { PageQuery, Timestamp, errorResponses, listOf } from '../../schemas.ts';
import type { TypedApp } from '../../route.ts';
import { transactionsDoc } from '../authorizations/schemas.ts';

export const ListTransactionsQuery = Type.Object({
  ...PageQuery.properties,
  card_id: Type.Optional(Type.String({ maxLength: 64 })),
  type: Type.Optional(Type.Enum(TRANSACTION_TYPES)),
  status: Type.Optional(Type.Enum(TRANSACTION_STATUSES)),
  created_gte: Type.Optional(Timestamp),
  created_lte: Type.Optional(Timestamp),
}, { additionalProperties: false });

const dateOf = (text: string | undefined) => (text ? new Date(text) : undefined);

export function listTransactionsRoute(app: TypedApp): void {
  app.get('/v1/transactions', {
    schema: {
      ...transactionsDoc, operationId: 'transactions.list', summary: 'List transactions',
      description: 'Every money movement and every decline, newest first. Filters: `card_id`, `type`, `status`, `created_gte`, `created_lte`.',
      querystring: ListTransactionsQuery,
      response: { 200: listOf(TransactionSchema), ...errorResponses(403) },
    },
  }, async (request) => {
    const { limit = PAGE_LIMIT_DEFAULT, starting_after: startingAfter = null, ...q } = request.query;
    const filter = { cardId: q.card_id, type: q.type, status: q.status, createdGte: dateOf(q.created_gte), createdLte: dateOf(q.created_lte) };
    const page = await listTransactions(app.deps.db, ownerOf(request), filter, limit, startingAfter);
    return { object: 'list' as const, data: page.data.map(presentTransaction), has_more: page.hasMore };
  });
}
