import type { FastifyInstance } from 'fastify';
import { Type } from '@fastify/type-provider-typebox';
import { createMerchant } from '../../../../merchants/index.ts';
import { actionContext } from '../../../plugins/auth.ts';
import { mutation } from '../../../plugins/idempotency.ts';
import { MerchantSchema, presentMerchant } from '../../../presenters/merchants.ts';
import { errorResponses } from '../../../schemas.ts';
import { adminRoute } from './shared.ts';

export function createMerchantRoute(app: FastifyInstance): void {
  app.post('/admin/v1/merchants', {
    ...adminRoute,
    schema: {
      ...adminRoute.schema, summary: 'Create a merchant',
      description: 'Creates a merchant with a sandbox API key (scopes read, write and keys:write: it can create restricted sandbox keys itself). The key is in this response only; Tessera stores a hash.',
      body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' }) }, { additionalProperties: false }),
      response: {
        201: Type.Object({ ...MerchantSchema.properties, sandbox_api_key: Type.String({ description: 'sk_sandbox_…, shown once.' }) }),
        ...errorResponses(409, 422),
      },
    },
  }, (request, reply) =>
    mutation(request, reply, async (tx) => {
      const { name } = request.body as { name: string };
      const { merchant, sandboxKey } = await createMerchant(tx, name.trim(), actionContext(request, app.deps.clock.now()));
      return { status: 201, body: { ...presentMerchant(merchant), sandbox_api_key: sandboxKey.secret } };
    }, { secret: true }));
}
