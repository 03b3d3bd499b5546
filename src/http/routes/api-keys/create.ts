import { Type } from '@fastify/type-provider-typebox';
import { createRestrictedKey, KEY_NAME_LENGTH_MAX, SCOPES } from '../../../merchants/index.ts';
import { actionContext, principalOf } from '../../plugins/auth.ts';
import { API_KEY_EXAMPLE, ApiKeySchema, ScopeSchema, presentKey } from '../../presenters/merchants.ts';
import { errorResponses } from '../../schemas.ts';
import { txOf, type TypedApp } from '../../route.ts';
import { keysRoute } from './shared.ts';

export const CreateApiKeyBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: KEY_NAME_LENGTH_MAX, description: 'What the key is for, shown in lists.' }),
  scopes: Type.Array(ScopeSchema, { minItems: 1, maxItems: SCOPES.length, uniqueItems: true, description: "Among the calling key's scopes." }),
}, { additionalProperties: false, examples: [{ name: 'support desk', scopes: ['read', 'cards:reveal'] }] });

export const CreatedApiKeySchema = Type.Object({
  ...ApiKeySchema.properties,
  api_key: Type.String({ description: 'sk_sandbox_… or sk_live_…, shown once.' }),
}, { examples: [{ ...API_KEY_EXAMPLE, api_key: 'sk_sandbox_9dY2kQwE1pV7mZr4sT8uXc3bN6hJ0aLfG5oK2iWqR1e' }] });

export function createApiKeyRoute(app: TypedApp): void {
  app.post('/v1/api_keys', {
    config: { ...keysRoute.config, idempotent: { secret: true } },
    schema: {
      ...keysRoute.schema, operationId: 'apiKeys.create', summary: 'Create a restricted API key',
      description: "Creates a key in the calling key's mode, with scopes among the calling key's own (asking for more is 403 "
        + '`insufficient_scope`). The key (`api_key`) is in this response only: Tessera stores its hash. A retry with the same '
        + 'Idempotency-Key gets the same key again (the stored answer is sealed). At most 100 active keys per merchant and mode. '
        + 'Needs `keys:write`. Audited.',
      body: CreateApiKeyBody,
      response: { 201: CreatedApiKeySchema, ...errorResponses(403, 409, 422) },
    },
  }, async (request, reply) => {
    const issued = await createRestrictedKey(txOf(request), principalOf(request), request.body, actionContext(request, app.deps.clock.now()));
    reply.code(201);
    return { ...presentKey(issued.key), api_key: issued.secret };
  });
}
