import { grantLiveAccess } from '../../../../merchants/index.ts';
import { MerchantSchema } from '../../../presenters/merchants.ts';
import { errorResponses } from '../../../schemas.ts';
import type { TypedApp } from '../../../route.ts';
import { adminRoute, changingMerchant, MerchantParams } from './schemas.ts';

export function grantLiveAccessRoute(app: TypedApp): void {
  app.post('/admin/v1/merchants/:id/live_access', {
    // Not config.idempotent: see changingMerchant().
    config: adminRoute.config,
    schema: {
      ...adminRoute.schema, operationId: 'admin.merchants.grantLiveAccess', summary: 'Grant production access',
      description: "Lets the merchant's live keys work. Until then a live key answers 403 `live_access_required`. Granting "
        + 'twice is harmless.',
      params: MerchantParams,
      response: { 200: MerchantSchema, ...errorResponses(404, 409, 422) },
    },
  }, (request, reply) => changingMerchant(request, reply, request.params.id, grantLiveAccess));
}
