import { Type } from '@fastify/type-provider-typebox';
import { CARD_STATUSES, CARD_TYPES, listCards, readManyCardBalances } from '../../../cards/index.ts';
import { PAGE_LIMIT_DEFAULT } from '../../../lib/pagination.ts';
import { ownerOf } from '../../plugins/auth.ts';
import { CardSchema, presentCardPage } from '../../presenters/cards.ts';
import { PageQuery, errorResponses, listOf } from '../../schemas.ts';
import type { TypedApp } from '../../route.ts';
import { cardsDoc } from './schemas.ts';

export const ListCardsQuery = Type.Object({
  ...PageQuery.properties,
  card_status: Type.Optional(Type.Enum(CARD_STATUSES)),
  customer_id: Type.Optional(Type.String({ maxLength: 64 })),
  account_id: Type.Optional(Type.String({ maxLength: 64 })),
  type: Type.Optional(Type.Enum(CARD_TYPES)),
  expire_in_months: Type.Optional(Type.Integer({ minimum: 0, maximum: 120 })),
}, { additionalProperties: false });

export function listCardsRoute(app: TypedApp): void {
  const { db, clock } = app.deps;
  app.get('/v1/cards', {
    schema: {
      ...cardsDoc, operationId: 'cards.list', summary: 'List cards',
      description: 'All cards of the merchant and mode, newest first. Filters: `card_status`, `customer_id`, `account_id`, `type`, '
        + 'and `expire_in_months` (cards whose expiry month is at most that many months away; 0 = this month).',
      querystring: ListCardsQuery,
      response: { 200: listOf(CardSchema), ...errorResponses(403) },
    },
  }, async (request) => {
    const { limit = PAGE_LIMIT_DEFAULT, starting_after: startingAfter = null, ...q } = request.query;
    const filter = { status: q.card_status, customerId: q.customer_id, accountId: q.account_id, type: q.type, expireInMonths: q.expire_in_months };
    const page = await listCards(db, ownerOf(request), filter, { limit, startingAfter }, clock.now());
    return presentCardPage(page.data, await readManyCardBalances(db, page.data), page.hasMore, clock.now());
  });
}
