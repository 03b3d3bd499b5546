import { revokeApiKey } from '../../../../merchants/index.ts';
import { actionContext, changingPrincipals } from '../../../plugins/auth.ts';
import { mutation } from '../../../plugins/idempotency.ts';
import { ApiKeySchema, presentKey } from '../../../presenters/merchants.ts';
import { errorResponses } from '../../../schemas.ts';
import type { TypedApp } from '../../../route.ts';
import { adminRoute, KeyParams } from './schemas.ts';

export function revokeMerchantKeyRoute(app: TypedApp): void {
  app.delete('/admin/v1/merchants/:id/keys/:keyId', {
    // Not config.idempotent: the principals are forgotten after the transaction, around mutation() (changingPrincipals).
    config: adminRoute.config,
    schema: {
      ...adminRoute.schema, operationId: 'admin.merchantKeys.revoke', summary: 'Revoke an API key',
      description: 'Revokes the key: it and every token issued for it answer 401 `api_key_revoked` from the next request on this '
        + 'server process, and within 1 second on every other process sharing the database. Revoking twice is harmless.',
      params: KeyParams,
      response: { 200: ApiKeySchema, ...errorResponses(404, 409, 422) },
    },
  }, (request, reply) => {
    const { id, keyId } = request.params;
    return changingPrincipals(request, id, () => mutation(request, reply, async (tx) => {
      const key = await revokeApiKey(tx, id, keyId, actionContext(request, app.deps.clock.now()));
      return { status: 200, body: presentKey(key) };
    }));
  });
}
