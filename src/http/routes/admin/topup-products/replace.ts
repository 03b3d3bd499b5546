import { Type } from '@fastify/type-provider-typebox';
import { replaceTopupProducts, TOPUP_PRODUCTS_MAX } from '../../../../topups/index.ts';
import { actionContext } from '../../../plugins/auth.ts';
import { errorResponses } from '../../../schemas.ts';
import { txOf, type TypedApp } from '../../../route.ts';
import { ModeSchema, PRODUCT_BODY_EXAMPLE, ProductBody, ProductList, productInputOf, productList, topupProductsAdmin } from './schemas.ts';

export const ReplaceTopupProductsBody = Type.Object({
  mode: ModeSchema,
  products: Type.Array(ProductBody, { maxItems: TOPUP_PRODUCTS_MAX }),
}, { additionalProperties: false, examples: [{ mode: 'sandbox', products: [PRODUCT_BODY_EXAMPLE] }] });

export function replaceTopupProductsRoute(app: TypedApp): void {
  app.put('/admin/v1/topup_products', {
    config: { ...topupProductsAdmin.config, idempotent: true },
    schema: {
      ...topupProductsAdmin.schema, operationId: 'admin.topupProducts.replace', summary: 'Replace the top-up catalogue of a mode',
      description: `Replaces every product of \`mode\` (at most ${TOPUP_PRODUCTS_MAX}; an empty list withdraws top-ups from that `
        + 'mode). Each product takes either `denominations` or `min_amount` and `max_amount`; its price is amount × `rate` in '
        + 'the wallet currency plus the fee. Top-ups already sent keep the price they were sent at. Audited.',
      body: ReplaceTopupProductsBody,
      response: { 200: ProductList, ...errorResponses(422) },
    },
  }, async (request) => {
    const products = request.body.products.map(productInputOf);
    return productList(await replaceTopupProducts(txOf(request), request.body.mode, products, actionContext(request, app.deps.clock.now())));
  });
}
