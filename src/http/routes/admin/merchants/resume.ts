import { resumeMerchant } from '../../../../merchants/index.ts';
import { MerchantSchema } from '../../../presenters/merchants.ts';
import { errorResponses } from '../../../schemas.ts';
import type { TypedApp } from '../../../route.ts';
import { adminRoute, changingMerchant, MerchantParams } from './schemas.ts';

export function resumeMerchantRoute(app: TypedApp): void {
  app.post('/admin/v1/merchants/:id/resume', {
    // Not config.idempotent: see changingMerchant().
    config: adminRoute.config,
    schema: {
      ...adminRoute.schema, operationId: 'admin.merchants.resume', summary: 'Resume a suspended merchant',
      description: 'Lifts a suspension: its keys, tokens and cards work again (live keys only with live access). Harmless when '
        + 'the merchant is not suspended. Audited.',
      params: MerchantParams,
      response: { 200: MerchantSchema, ...errorResponses(404, 409, 422) },
    },
  }, (request, reply) => changingMerchant(request, reply, request.params.id, resumeMerchant));
}
