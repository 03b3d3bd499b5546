import { estimateTopup } from '../../../../topups/index.ts';
import { ownerOf } from '../../../../http/plugins/auth.ts';
import type { TypedApp } from '../../../../http/route.ts';
import { Success, krezyRead, krezyErrors, krezyRoute } from '../../schemas.ts';
import { PRICE_EXAMPLE, PriceProperties, TopupBody, krezyPrice, topupRequestOf } from '../../topup.ts';

export function estimateTopupRoute(app: TypedApp): void {
  const { db } = app.deps;
  app.post('/v1/:mode/topup/estimate', {
    config: krezyRead,
    schema: {
      ...krezyRoute, operationId: 'krezypay.estimateTopup', summary: 'KrezyPay: estimate a top-up',
      description: 'Price, fee and total in the wallet currency, checked as sending is. Moves nothing.',
      body: TopupBody,
      response: { 200: Success(PriceProperties, PRICE_EXAMPLE, 'What topup/send would charge.'), ...krezyErrors },
    },
  }, async (request) => {
    const owner = ownerOf(request);
    const e = await estimateTopup(db, owner, await topupRequestOf(db, owner, request, request.body));
    return { status: 'success' as const, ...(await krezyPrice(db, { ...e, currency: e.product.currency, walletCurrency: e.product.walletCurrency })) };
  });
}
