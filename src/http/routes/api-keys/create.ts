import type { FastifyInstance } from 'fastify';
import { Type } from '@fastify/type-provider-typebox';
import { createRestrictedKey, KEY_NAME_LENGTH_MAX, SCOPES, type Scope } from '../../../merchants/index.ts';
import { actionContext, principalOf } from '../../plugins/auth.ts';
import { mutation } from '../../plugins/idempotency.ts';
import { ApiKeySchema, ScopeSchema, presentKey } from '../../presenters/merchants.ts';
import { errorResponses } from '../../schemas.ts';
import { keysRoute } from './shared.ts';

export const CreateApiKeyBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: KEY_NAME_LENGTH_MAX, description: 'What the key is for, shown in lists.' }),
  scopes: Type.Array(ScopeSchema, { minItems: 1, maxItems: SCOPES.length, uniqueItems: true, description: "Among the calling key's scopes." }),
}, { additionalProperties: false });

export function createApiKeyRoute(app: FastifyInstance): void {
  app.post('/v1/api_keys', {
    ...keysRoute,
    schema: {
      ...keysRoute.schema, summary: 'Create a restricted API key',
      description: "Creates a key in the calling key's mode, with scopes among the calling key's own (asking for more is 403 "
        + '`insufficient_scope`). The key (`api_key`) is in this response only: Tessera stores its hash. A retry with the same '
        + 'Idempotency-Key gets the same key again (the stored answer is sealed). At most 100 active keys per merchant and mode. '
        + 'Needs `keys:write`. Audited.',
      body: CreateApiKeyBody,
      response: {
        201: Type.Object({ ...ApiKeySchema.properties, api_key: Type.String({ description: 'sk_sandbox_… or sk_live_…, shown once.' }) }),
        ...errorResponses(403, 409, 422),
      },
    },
  }, (request, reply) =>
    mutation(request, reply, async (tx) => {
      const body = request.body as { name: string; scopes: Scope[] };
      const issued = await createRestrictedKey(tx, principalOf(request), body, actionContext(request, app.deps.clock.now()));
      return { status: 201, body: { ...presentKey(issued.key), api_key: issued.secret } };
    }, { secret: true }));
}
