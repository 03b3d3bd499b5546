import { Type } from '@fastify/type-provider-typebox';
import { listTopupProducts } from '../../../../topups/index.ts';
import { errorResponses } from '../../../schemas.ts';
import type { TypedApp } from '../../../route.ts';
import { ModeSchema, ProductList, productList, topupProductsAdmin } from './schemas.ts';

export function listTopupProductsRoute(app: TypedApp): void {
  app.get('/admin/v1/topup_products', {
    config: topupProductsAdmin.config,
    schema: {
      ...topupProductsAdmin.schema, operationId: 'admin.topupProducts.list', summary: 'Top-up catalogue',
      description: 'Every product of both modes, or of `mode`. The sandbox starts with a default catalogue (United States in USD: '
        + 'AT&T, T-Mobile; Cameroon in XAF: MTN, Orange; priced in USD).',
      querystring: Type.Object({ mode: Type.Optional(ModeSchema) }, { additionalProperties: false }),
      response: { 200: ProductList, ...errorResponses() },
    },
  }, async (request) => productList(await listTopupProducts(app.deps.db, request.query.mode ?? null)));
}
