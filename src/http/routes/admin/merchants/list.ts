import { Type } from '@fastify/type-provider-typebox';
import { listMerchants, MERCHANT_QUERY_LENGTH_MAX } from '../../../../merchants/index.ts';
import { PAGE_LIMIT_DEFAULT } from '../../../../lib/pagination.ts';
import { MerchantSchema, presentMerchant } from '../../../presenters/merchants.ts';
import { PageQuery, errorResponses, listOf } from '../../../schemas.ts';
import type { TypedApp } from '../../../route.ts';
import { adminRoute } from './schemas.ts';

export const ListMerchantsQuery = Type.Object({
  ...PageQuery.properties,
  query: Type.Optional(Type.String({ maxLength: MERCHANT_QUERY_LENGTH_MAX, description: 'A merchant id (mch_…) or part of a name.' })),
}, { additionalProperties: false });

export function listMerchantsRoute(app: TypedApp): void {
  app.get('/admin/v1/merchants', {
    config: adminRoute.config,
    schema: {
      ...adminRoute.schema, operationId: 'admin.merchants.list', summary: 'List or search merchants',
      description: 'Newest first, with cursor pagination. With `query`: the merchant whose id it is, and every merchant whose '
        + 'name contains it, ignoring case.',
      querystring: ListMerchantsQuery,
      response: { 200: listOf(MerchantSchema), ...errorResponses() },
    },
  }, async (request) => {
    const { limit = PAGE_LIMIT_DEFAULT, starting_after: startingAfter = null, query = null } = request.query;
    const page = await listMerchants(app.deps.db, { limit, startingAfter }, query);
    return { object: 'list' as const, data: page.data.map(presentMerchant), has_more: page.hasMore };
  });
}
