import type { FastifyInstance } from 'fastify';
import { Type } from '@fastify/type-provider-typebox';
import { listMerchants, getMerchant, MERCHANT_QUERY_LENGTH_MAX } from '../../../../merchants/index.ts';
import { MerchantSchema, presentMerchant } from '../../../presenters/merchants.ts';
import { PageQuery, errorResponses, listOf } from '../../../schemas.ts';
import { PAGE_LIMIT_DEFAULT } from '../../../../lib/pagination.ts';
import { adminRoute, MerchantParams } from './shared.ts';

export function listMerchantsRoute(app: FastifyInstance): void {
  app.get('/admin/v1/merchants', {
    ...adminRoute,
    schema: {
      ...adminRoute.schema, summary: 'List or search merchants',
      description: 'Newest first, with cursor pagination. With `query`: the merchant whose id it is, and every merchant whose '
        + 'name contains it, ignoring case.',
      querystring: Type.Object({
        ...PageQuery.properties,
        query: Type.Optional(Type.String({ maxLength: MERCHANT_QUERY_LENGTH_MAX, description: 'A merchant id (mch_…) or part of a name.' })),
      }, { additionalProperties: false }),
      response: { 200: listOf(MerchantSchema), ...errorResponses() },
    },
  }, async (request) => {
    const q = request.query as { limit?: number; starting_after?: string; query?: string };
    const page = await listMerchants(app.deps.db, { limit: q.limit ?? PAGE_LIMIT_DEFAULT, startingAfter: q.starting_after ?? null }, q.query ?? null);
    return { object: 'list' as const, data: page.data.map(presentMerchant), has_more: page.hasMore };
  });

  app.get('/admin/v1/merchants/:id', {
    ...adminRoute,
    schema: {
      ...adminRoute.schema, summary: 'Retrieve a merchant', description: 'One merchant by id.',
      params: MerchantParams,
      response: { 200: MerchantSchema, ...errorResponses(404) },
    },
  }, async (request) => presentMerchant(await getMerchant(app.deps.db, (request.params as { id: string }).id)));
}
