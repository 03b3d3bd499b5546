import { Type } from '@fastify/type-provider-typebox';
import { actionContext, ownerOf, principalOf } from '../../../http/plugins/auth.ts';
import { errorResponses } from '../../../http/schemas.ts';
import { txOf, type TypedApp } from '../../../http/route.ts';
import { RSA_BITS_MAX, RSA_BITS_MIN } from '../envelope.ts';
import { PUBLIC_KEY_PEM_MAX, registerGatewayKey } from '../gateways.ts';
import { GatewayKeySchema, presentGatewayKey } from '../schemas.ts';

export const RegisterGatewayKeyBody = Type.Object({
  public_key_pem: Type.String({ minLength: 1, maxLength: PUBLIC_KEY_PEM_MAX, description: 'Your RSA public key, PEM.' }),
}, {
  additionalProperties: false,
  examples: [{ public_key_pem: '-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1LfVLPHCozMxH2Mo…\n-----END PUBLIC KEY-----\n' }],
});

export function registerGatewayKeyRoute(app: TypedApp): void {
  const { keys, clock } = app.deps;
  app.put('/v1/gateway_keys', {
    config: { idempotent: true },
    schema: {
      tags: ['KazePay gateway'], security: [{ apiKey: [] }], operationId: 'kazepay.registerGatewayKey',
      summary: 'Register the KazePay gateway key',
      description: `Registers (or replaces) your RSA public key (${RSA_BITS_MIN}–${RSA_BITS_MAX} bits, SPKI or PKCS#1 PEM) for the `
        + "KazePay gateway of this merchant and mode, and answers the gateway's `sys_id` and Tessera's own RSA public key for it. "
        + "The first call creates the gateway; later calls replace only your key (sys_id and Tessera's key stay). The gateway acts "
        + "in the mode of the key that calls this, with that key's scopes; if that key is revoked the gateway refuses requests "
        + 'until a key registers again. Audited.',
      body: RegisterGatewayKeyBody,
      response: { 200: { ...GatewayKeySchema, description: 'The gateway.' }, ...errorResponses(403, 409, 422) },
    },
  }, async (request) => {
    const gateway = await registerGatewayKey(txOf(request), keys, ownerOf(request), principalOf(request).keyId,
      request.body.public_key_pem, actionContext(request, clock.now()));
    return presentGatewayKey(gateway);
  });
}
