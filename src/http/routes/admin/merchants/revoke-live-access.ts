import { revokeLiveAccess } from '../../../../merchants/index.ts';
import { MerchantSchema } from '../../../presenters/merchants.ts';
import { errorResponses } from '../../../schemas.ts';
import type { TypedApp } from '../../../route.ts';
import { adminRoute, changingMerchant, MerchantParams } from './schemas.ts';

export function revokeLiveAccessRoute(app: TypedApp): void {
  app.delete('/admin/v1/merchants/:id/live_access', {
    // Not config.idempotent: see changingMerchant().
    config: adminRoute.config,
    schema: {
      ...adminRoute.schema, operationId: 'admin.merchants.revokeLiveAccess', summary: 'Withdraw production access',
      description: "The merchant's live keys and their tokens answer 403 `live_access_required` again, from the next request on "
        + 'this server process and within 1 second on every other; its live data and sandbox keys stay. Harmless when the '
        + 'merchant has no live access. Audited.',
      params: MerchantParams,
      response: { 200: MerchantSchema, ...errorResponses(404, 409, 422) },
    },
  }, (request, reply) => changingMerchant(request, reply, request.params.id, revokeLiveAccess));
}
