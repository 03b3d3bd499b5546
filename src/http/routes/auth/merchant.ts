import type { FastifyInstance } from 'fastify';
import { Type } from '@fastify/type-provider-typebox';
import { getMerchant } from '../../../merchants/index.ts';
import { principalOf } from '../../plugins/auth.ts';
import { MerchantSchema, ScopeSchema, presentMerchant } from '../../presenters/merchants.ts';
import { errorResponses } from '../../schemas.ts';

export function getCallingMerchant(app: FastifyInstance): void {
  app.get('/v1/merchant', {
    schema: {
      tags: ['Authentication'], summary: 'The calling merchant',
      description: 'Returns the merchant that owns the credential, with the mode (sandbox or live) and scopes of the key in use.',
      security: [{ apiKey: [] }],
      response: {
        200: Type.Object({
          ...MerchantSchema.properties,
          mode: Type.Union([Type.Literal('sandbox'), Type.Literal('live')]), key_id: Type.String(), scopes: Type.Array(ScopeSchema),
        }),
        ...errorResponses(403),
      },
    },
  }, async (request) => {
    const p = principalOf(request);
    const merchant = await getMerchant(app.deps.db, p.merchantId);
    return { ...presentMerchant(merchant), mode: p.mode, key_id: p.keyId, scopes: [...p.scopes] };
  });
}
