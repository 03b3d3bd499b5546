import { Type } from '@fastify/type-provider-typebox';
import { STOCK_STATUSES, listCardStock } from '../../../cards/stock.ts';
import { DomainError } from '../../../lib/errors.ts';
import { PAGE_LIMIT_DEFAULT } from '../../../lib/pagination.ts';
import { PageQuery, errorResponses, listOf } from '../../schemas.ts';
import type { TypedApp } from '../../route.ts';
import { ModeSchema, StockCardSchema, cardStockDoc, presentStock } from './schemas.ts';

export const ListCardStockQuery = Type.Object({
  limit: PageQuery.properties.limit,
  starting_after: Type.Optional(Type.String({ maxLength: 32, description: 'Cursor: the id (stock_…) of the last row of the previous page.' })),
  merchant_id: Type.Optional(Type.String({ maxLength: 64 })),
  mode: Type.Optional(ModeSchema),
  status: Type.Optional(Type.Enum(STOCK_STATUSES)),
}, { additionalProperties: false });

export function listCardStockRoute(app: TypedApp): void {
  app.get('/admin/v1/card_stock', {
    config: { auth: 'admin' },
    schema: {
      ...cardStockDoc, operationId: 'admin.cardStock.list', summary: 'List card stock',
      description: 'Imported stock, newest import first, with cursor pagination; filtered by `merchant_id`, `mode` and `status`. '
        + 'Never a card number: its BIN and last four digits only.',
      querystring: ListCardStockQuery,
      response: { 200: listOf(StockCardSchema), ...errorResponses() },
    },
  }, async (request) => {
    const { limit = PAGE_LIMIT_DEFAULT, starting_after: startingAfter, merchant_id: merchantId, mode, status } = request.query;
    const cursor = startingAfter === undefined ? null : /^stock_([0-9]{1,18})$/.exec(startingAfter)?.[1];
    if (cursor === undefined) throw new DomainError('parameter_invalid', '`starting_after` must be a stock id (stock_…).', 'starting_after');
    const rows = await listCardStock(app.deps.db, { merchantId, mode, status }, limit + 1, cursor === null ? null : BigInt(cursor));
    return { object: 'list' as const, data: rows.slice(0, limit).map(presentStock), has_more: rows.length > limit };
  });
}
