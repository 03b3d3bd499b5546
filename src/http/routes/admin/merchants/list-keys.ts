import { listApiKeys } from '../../../../merchants/index.ts';
import { ApiKeySchema, presentKey } from '../../../presenters/merchants.ts';
import { errorResponses, listOf } from '../../../schemas.ts';
import type { TypedApp } from '../../../route.ts';
import { adminRoute, MerchantParams } from './schemas.ts';

export function listMerchantKeysRoute(app: TypedApp): void {
  app.get('/admin/v1/merchants/:id/keys', {
    config: adminRoute.config,
    schema: {
      ...adminRoute.schema, operationId: 'admin.merchantKeys.list', summary: "List a merchant's API keys",
      description: 'Every key of both modes, revoked ones included, in one page (`has_more` is always false); never the keys '
        + 'themselves.',
      params: MerchantParams,
      response: { 200: listOf(ApiKeySchema), ...errorResponses(404) },
    },
  }, async (request) => {
    const keys = await listApiKeys(app.deps.db, request.params.id);
    return { object: 'list' as const, data: keys.map(presentKey), has_more: false };
  });
}
