import { Type } from '@fastify/type-provider-typebox';
import { getMerchant, MODES } from '../../../merchants/index.ts';
import { principalOf } from '../../plugins/auth.ts';
import { API_KEY_EXAMPLE, MERCHANT_EXAMPLE, MerchantSchema, ScopeSchema, presentMerchant } from '../../presenters/merchants.ts';
import { errorResponses } from '../../schemas.ts';
import type { TypedApp } from '../../route.ts';
import { authRoute } from './schemas.ts';

export const CallingMerchantSchema = Type.Object({
  ...MerchantSchema.properties,
  mode: Type.Enum(MODES, { description: 'The mode of the key in use.' }),
  key_id: Type.String({ description: 'The id of the key in use (apikey_…), also for a token issued for it.' }),
  scopes: Type.Array(ScopeSchema, { description: 'The scopes of the key in use.' }),
}, { examples: [{ ...MERCHANT_EXAMPLE, mode: 'sandbox', key_id: API_KEY_EXAMPLE.id, scopes: ['read', 'write', 'keys:write'] }] });

export function retrieveCallingMerchantRoute(app: TypedApp): void {
  app.get('/v1/merchant', {
    config: authRoute.config,
    schema: {
      ...authRoute.schema, operationId: 'merchant.retrieve', summary: 'The calling merchant',
      description: 'Returns the merchant that owns the credential, with the mode (sandbox or live) and scopes of the key in use.',
      response: { 200: CallingMerchantSchema, ...errorResponses(403) },
    },
  }, async (request) => {
    const principal = principalOf(request);
    const merchant = await getMerchant(app.deps.db, principal.merchantId);
    return { ...presentMerchant(merchant), mode: principal.mode, key_id: principal.keyId, scopes: [...principal.scopes] };
  });
}
