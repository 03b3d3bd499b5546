import { getMerchant } from '../../../../merchants/index.ts';
import { MerchantSchema, presentMerchant } from '../../../presenters/merchants.ts';
import { errorResponses } from '../../../schemas.ts';
import type { TypedApp } from '../../../route.ts';
import { adminRoute, MerchantParams } from './schemas.ts';

export function retrieveMerchantRoute(app: TypedApp): void {
  app.get('/admin/v1/merchants/:id', {
    config: adminRoute.config,
    schema: {
      ...adminRoute.schema, operationId: 'admin.merchants.retrieve', summary: 'Retrieve a merchant',
      description: 'One merchant by id.',
      params: MerchantParams,
      response: { 200: MerchantSchema, ...errorResponses(404) },
    },
  }, async (request) => presentMerchant(await getMerchant(app.deps.db, request.params.id)));
}
