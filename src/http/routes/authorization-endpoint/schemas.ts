import { Type } from '@fastify/type-provider-typebox';
import type { TypedApp } from '../../route.ts';

export const endpointDoc = { tags: ['Real-time decisions'], security: [{ apiKey: [] }] };

const ENDPOINT_EXAMPLE = { object: 'authorization_endpoint', url: 'https://api.acme-wallet.example/tessera/decide', fallback: 'decline', timeout_ms: 1500 } as const;

export const EndpointSchema = Type.Object({
  object: Type.Literal('authorization_endpoint'),
  url: Type.String(),
  fallback: Type.Enum(['approve', 'decline'] as const),
  timeout_ms: Type.Integer(),
  secret: Type.Optional(Type.String({ description: 'whsec_…: shown when the endpoint is first set. Verify our Standard Webhooks signature with it.' })),
}, { examples: [ENDPOINT_EXAMPLE] });

export const SetEndpointExample = { ...ENDPOINT_EXAMPLE, secret: 'whsec_c2VjcmV0LWZvci1leGFtcGxlLW9ubHktbm90LXJlYWwtMDAwMA==' };

/**
 * The authorization path caches the endpoint (DECISION_ENDPOINT_CACHE_MS): forget it once the change has committed,
 * or after a failure (the commit may have happened), never inside the transaction, where an authorization in
 * between would cache the old endpoint again. So these routes call mutation() themselves, inside this.
 */
export async function changingEndpoint<T>(app: TypedApp, owner: { merchantId: string; mode: string }, change: () => Promise<T>): Promise<T> {
  try {
    return await change();
  } finally {
    app.authorizations.forgetEndpoint(owner.merchantId, owner.mode);
  }
}
