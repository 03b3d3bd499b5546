import type { FastifyInstance } from 'fastify';
import { listMerchants, getMerchant } from '../../../../merchants/index.ts';
import { MerchantSchema, presentMerchant } from '../../../presenters/merchants.ts';
import { PageQuery, errorResponses, listOf } from '../../../schemas.ts';
import { PAGE_LIMIT_DEFAULT } from '../../../../lib/pagination.ts';
import { adminRoute, MerchantParams } from './shared.ts';

export function listMerchantsRoute(app: FastifyInstance): void {
  app.get('/admin/v1/merchants', {
    ...adminRoute,
    schema: {
      ...adminRoute.schema, summary: 'List merchants', description: 'Newest first, with cursor pagination.',
      querystring: PageQuery,
      response: { 200: listOf(MerchantSchema), ...errorResponses() },
    },
  }, async (request) => {
    const q = request.query as { limit?: number; starting_after?: string };
    const page = await listMerchants(app.deps.db, { limit: q.limit ?? PAGE_LIMIT_DEFAULT, startingAfter: q.starting_after ?? null });
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
