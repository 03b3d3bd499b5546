import { Type } from '@fastify/type-provider-typebox';
import { createMerchant } from '../../../../merchants/index.ts';
import { actionContext } from '../../../plugins/auth.ts';
import { MERCHANT_EXAMPLE, MerchantSchema, presentMerchant } from '../../../presenters/merchants.ts';
import { errorResponses } from '../../../schemas.ts';
import { txOf, type TypedApp } from '../../../route.ts';
import { adminRoute } from './schemas.ts';

export const CreateMerchantBody = Type.Object({
  name: Type.String({
    minLength: 1, maxLength: 200, pattern: '\\S', description: 'Shown to the operator; surrounding spaces are trimmed.',
  }),
}, { additionalProperties: false, examples: [{ name: 'Acme Wallet' }] });

export const CreatedMerchantSchema = Type.Object({
  ...MerchantSchema.properties,
  sandbox_api_key: Type.String({ description: 'sk_sandbox_…, shown once.' }),
}, { examples: [{ ...MERCHANT_EXAMPLE, sandbox_api_key: 'sk_sandbox_Hq3vN8yR1tW6zK0pX4bM7cJ2fL9sD5gA1eU8iO3nT6r' }] });

export function createMerchantRoute(app: TypedApp): void {
  app.post('/admin/v1/merchants', {
    config: { ...adminRoute.config, idempotent: { secret: true } },
    schema: {
      ...adminRoute.schema, operationId: 'admin.merchants.create', summary: 'Create a merchant',
      description: 'Creates a merchant with a sandbox API key (scopes read, write and keys:write: it can create restricted sandbox '
        + 'keys itself). The key is in this response only; Tessera stores a hash. A retry with the same Idempotency-Key gets the '
        + 'same key again (the stored answer is sealed).',
      body: CreateMerchantBody,
      response: { 201: CreatedMerchantSchema, ...errorResponses(409, 422) },
    },
  }, async (request, reply) => {
    const ctx = actionContext(request, app.deps.clock.now());
    const { merchant, sandboxKey } = await createMerchant(txOf(request), request.body.name.trim(), ctx);
    reply.code(201);
    return { ...presentMerchant(merchant), sandbox_api_key: sandboxKey.secret };
  });
}
