import { Type } from '@fastify/type-provider-typebox';
import { createApiKey, MODES, SCOPES } from '../../../../merchants/index.ts';
import { actionContext } from '../../../plugins/auth.ts';
import { API_KEY_EXAMPLE, ApiKeySchema, ScopeSchema, presentKey } from '../../../presenters/merchants.ts';
import { errorResponses } from '../../../schemas.ts';
import { txOf, type TypedApp } from '../../../route.ts';
import { adminRoute, MerchantParams } from './schemas.ts';

export const CreateMerchantKeyBody = Type.Object({
  mode: Type.Enum(MODES),
  scopes: Type.Optional(Type.Array(ScopeSchema, {
    minItems: 1, maxItems: SCOPES.length, uniqueItems: true, description: 'Default `read` and `write`.',
  })),
}, { additionalProperties: false, examples: [{ mode: 'live', scopes: ['read', 'write', 'cards:reveal'] }] });

const OPERATOR_KEY_EXAMPLE = {
  ...API_KEY_EXAMPLE, mode: 'live', scopes: ['read', 'write', 'cards:reveal'], name: null, prefix: 'sk_live_Tz8q',
} as const;

export const CreatedMerchantKeySchema = Type.Object({
  ...ApiKeySchema.properties,
  api_key: Type.String({ description: 'The key, shown once.' }),
}, { examples: [{ ...OPERATOR_KEY_EXAMPLE, api_key: 'sk_live_Tz8qM3wE6rY1uI9oP2aS5dF8gH0jK4lZ7xC1vB3nQ5w' }] });

export function createMerchantKeyRoute(app: TypedApp): void {
  app.post('/admin/v1/merchants/:id/keys', {
    config: { ...adminRoute.config, idempotent: { secret: true } },
    schema: {
      ...adminRoute.schema, operationId: 'admin.merchantKeys.create', summary: 'Create an API key',
      description: 'Creates a sandbox or live key with the given scopes (default read and write; `cards:reveal` allows reading '
        + 'full card numbers; `keys:write` lets the key manage the keys of its mode itself, POST /v1/api_keys). The key is in '
        + 'this response only. A live key works once the merchant has live access.',
      params: MerchantParams,
      body: CreateMerchantKeyBody,
      response: { 201: CreatedMerchantKeySchema, ...errorResponses(404, 409, 422) },
    },
  }, async (request, reply) => {
    const { mode, scopes } = request.body;
    const ctx = actionContext(request, app.deps.clock.now());
    const issued = await createApiKey(txOf(request), request.params.id, mode, scopes, ctx);
    reply.code(201);
    return { ...presentKey(issued.key), api_key: issued.secret };
  });
}
