import { Type } from '@fastify/type-provider-typebox';
import { createTopup, SANDBOX_FAILING_SUFFIX, TOPUP_STATUSES, topupProviders } from '../../../../topups/index.ts';
import { actionContext, ownerOf } from '../../../../http/plugins/auth.ts';
import { txOf, type TypedApp } from '../../../../http/route.ts';
import { Success, krezyErrors, krezyIdempotent, krezyRoute } from '../../schemas.ts';
import { PRICE_EXAMPLE, PriceProperties, TopupBody, krezyPrice, topupRequestOf } from '../../topup.ts';

const TopupSentSchema = Success({
  message: Type.Literal('Top-up accepted.'), topup_id: Type.String({ description: 'top_…' }), topup_status: Type.Enum(TOPUP_STATUSES),
  phone: Type.String({ description: 'E.164.' }), ...PriceProperties,
}, {
  message: 'Top-up accepted.', topup_id: 'top_01jz4v3g7m1p5r8t0w2y4a6c8e', topup_status: 'pending', phone: '+237671234567', ...PRICE_EXAMPLE,
}, 'Accepted: the total is held on the wallet.');

export function sendTopupRoute(app: TypedApp): void {
  const { clock } = app.deps;
  const providers = topupProviders(app.deps.config);
  app.post('/v1/:mode/topup/send', {
    config: krezyIdempotent,
    schema: {
      ...krezyRoute, operationId: 'krezypay.sendTopup', summary: 'KrezyPay: send a top-up',
      description: 'Holds the total on the wallet and sends the airtime; it becomes succeeded or failed when the provider answers '
        + '(GET /v1/topups/{id}, webhooks `topup.succeeded` / `topup.failed`). Not enough in the wallet: 422, nothing moved. In '
        + `sandbox a number ending in ${SANDBOX_FAILING_SUFFIX} fails.`,
      body: TopupBody,
      response: { 200: TopupSentSchema, ...krezyErrors },
    },
  }, async (request) => {
    const tx = txOf(request);
    const owner = ownerOf(request);
    const topup = await createTopup(tx, owner, await topupRequestOf(tx, owner, request, request.body), actionContext(request, clock.now()), { providers, clock });
    return {
      status: 'success' as const, message: 'Top-up accepted.' as const, topup_id: topup.id, topup_status: topup.status, phone: topup.phone,
      ...(await krezyPrice(tx, { ...topup, total: topup.price + topup.fee })),
    };
  });
}
