import type { FastifyInstance } from 'fastify';
import { grantLiveAccess, revokeLiveAccess } from '../../../../merchants/index.ts';
import { actionContext, changingPrincipals } from '../../../plugins/auth.ts';
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
  }, (request, reply) => {
    const { id } = request.params as { id: string };
    return changingPrincipals(request, id, () => mutation(request, reply, async (tx) => {
      const merchant = await grantLiveAccess(tx, id, actionContext(request, app.deps.clock.now()));
      return { status: 200, body: presentMerchant(merchant) };
    }));
  });

  app.delete('/admin/v1/merchants/:id/live_access', {
    ...adminRoute,
    schema: {
      ...adminRoute.schema, summary: 'Withdraw production access',
      description: "The merchant's live keys and their tokens answer 403 `live_access_required` again, from the next request on "
        + 'this server process and within 1 second on every other; its live data and sandbox keys stay. Harmless when the '
        + 'merchant has no live access. Audited.',
      params: MerchantParams,
      response: { 200: MerchantSchema, ...errorResponses(404, 409, 422) },
    },
  }, (request, reply) => {
    const { id } = request.params as { id: string };
    return changingPrincipals(request, id, () => mutation(request, reply, async (tx) => {
      const merchant = await revokeLiveAccess(tx, id, actionContext(request, app.deps.clock.now()));
      return { status: 200, body: presentMerchant(merchant) };
    }));
  });
}
