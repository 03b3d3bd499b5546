import { getAccount } from '../../../accounts/index.ts';
import { listCards, readManyCardBalances } from '../../../cards/index.ts';
import { PAGE_LIMIT_DEFAULT } from '../../../lib/pagination.ts';
import { ownerOf } from '../../plugins/auth.ts';
import { CardSchema, presentCardPage } from '../../presenters/cards.ts';
import { PageQuery, errorResponses, listOf } from '../../schemas.ts';
import type { TypedApp } from '../../route.ts';
import { AccountParams, cardsDoc } from './schemas.ts';

export function listAccountCardsRoute(app: TypedApp): void {
  const { db, clock } = app.deps;
  app.get('/v1/accounts/:accountId/cards', {
    schema: {
      ...cardsDoc, operationId: 'cards.listForAccount', summary: "List an account's cards",
      description: 'Newest first, with cursor pagination. An account of another merchant or mode answers 404.',
      params: AccountParams, querystring: PageQuery, response: { 200: listOf(CardSchema), ...errorResponses(403, 404) },
    },
  }, async (request) => {
    const owner = ownerOf(request);
    const account = await getAccount(db, owner, request.params.accountId);
    const { limit = PAGE_LIMIT_DEFAULT, starting_after: startingAfter = null } = request.query;
    const page = await listCards(db, owner, { accountId: account.id }, { limit, startingAfter }, clock.now());
    return presentCardPage(page.data, await readManyCardBalances(db, page.data), page.hasMore, clock.now());
  });
}
