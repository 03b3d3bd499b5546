import type { FastifyInstance } from 'fastify';
import { grantLiveAccess } from '../../../../merchants/index.ts';
import { actionContext } from '../../../plugins/auth.ts';
import { mutation } from '../../../plugins/idempotency.ts';
import { MerchantSchema, presentMerchant } from '../../../presenters/merchants.ts';
import { errorResponses } from '../../../schemas.ts';
import { adminRoute, MerchantParams } from './shared.ts';

export function grantLiveAccessRoute(app: FastifyInstance): void {
  app.post('/admin/v1/merchants/:id/live_access', {
    ...adminRoute,
    schema: {
      ...adminRoute.schema, summary: 'Grant production access',
      description: "Lets the merchant's live keys work. Until then a live key answers 403 `live_access_required`. Granting twice is harmless.",
      params: MerchantParams,
      response: { 200: MerchantSchema, ...errorResponses(404, 409, 422) },
    },
  }, (request, reply) =>
    mutation(request, reply, async (tx) => {
      const merchant = await grantLiveAccess(tx, (request.params as { id: string }).id, actionContext(request, app.deps.clock.now()));
      return { status: 200, body: presentMerchant(merchant) };
    }));
}
