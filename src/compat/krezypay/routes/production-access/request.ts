import { requestLiveAccess } from '../../../../live-access/index.ts';
import { actionContext, principalOf } from '../../../../http/plugins/auth.ts';
import { LiveAccessInputSchema, liveAccessInputOf } from '../../../../http/routes/live-access/schemas.ts';
import { txOf, type TypedApp } from '../../../../http/route.ts';
import { ProductionAccessRequestedSchema, krezyRequest } from '../../production-access.ts';
import { Body, krezyErrors, krezyIdempotent, krezyRoute } from '../../schemas.ts';

/**
 * KrezyPay's "Production Access" (seed 002's menu names it only): the native POST /v1/live_access_requests in
 * KrezyPay's envelope. Asked with a sandbox key, as live keys work only once the operator approves.
 */
export function requestProductionAccessRoute(app: TypedApp): void {
  const { clock } = app.deps;
  app.post('/v1/:mode/production_access', {
    config: krezyIdempotent,
    schema: {
      ...krezyRoute, operationId: 'krezypay.requestProductionAccess', summary: 'KrezyPay: request production access',
      description: "Asks the operator for live access: the native `POST /v1/live_access_requests` with KrezyPay's envelope. A "
        + 'second request while one is pending, or once live access is granted (a live key already has it), is a 422.',
      body: Body(LiveAccessInputSchema.properties, {
        business_name: 'Krezy Shop SARL', website: 'https://shop.example.com', country: 'CM',
        use_case: "Virtual cards for our customers' online ads spend.",
      }),
      response: { 200: ProductionAccessRequestedSchema, ...krezyErrors },
    },
  }, async (request) => {
    const created = await requestLiveAccess(txOf(request), principalOf(request).merchantId, liveAccessInputOf(request.body), actionContext(request, clock.now()));
    return { ...krezyRequest(created), message: 'Production access requested.' as const };
  });
}
