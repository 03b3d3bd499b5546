import { Type } from '@fastify/type-provider-typebox';
import { revokeKeyOfMode } from '../../../merchants/index.ts';
import { actionContext, changingPrincipals, principalOf } from '../../plugins/auth.ts';
import { mutation } from '../../plugins/idempotency.ts';
import { ApiKeySchema, presentKey } from '../../presenters/merchants.ts';
import { errorResponses } from '../../schemas.ts';
import type { TypedApp } from '../../route.ts';
import { keysRoute } from './shared.ts';

export function revokeApiKeyRoute(app: TypedApp): void {
  app.delete('/v1/api_keys/:id', {
    // Not config.idempotent: the principals are forgotten after the transaction, around mutation() (changingPrincipals).
    config: keysRoute.config,
    schema: {
      ...keysRoute.schema, operationId: 'apiKeys.revoke', summary: 'Revoke an API key',
      description: "Revokes a key of the calling key's merchant and mode (any other answers 404). A key holding a scope that the "
        + 'calling key lacks cannot be revoked with it (403 `insufficient_scope`). The calling key may revoke itself, to rotate '
        + 'with one credential: create the new key, then revoke the old one with the old one; this answer is its last. The key '
        + 'and its tokens answer 401 `api_key_revoked` from the next request on this server process, and within 1 second on '
        + 'every other. Revoking twice is harmless. Needs `keys:write`. Audited.',
      params: Type.Object({ id: Type.String({ maxLength: 64, description: 'apikey_…' }) }),
      response: { 200: ApiKeySchema, ...errorResponses(403, 404, 409, 422) },
    },
  }, (request, reply) => {
    const caller = principalOf(request);
    return changingPrincipals(request, caller.merchantId, () => mutation(request, reply, async (tx) => {
      const key = await revokeKeyOfMode(tx, caller, request.params.id, actionContext(request, app.deps.clock.now()));
      return { status: 200, body: presentKey(key) };
    }));
  });
}
