import { Type } from '@fastify/type-provider-typebox';
import { createSigningKey, PUBLIC_KEY_INPUT_MAX } from '../../../signatures/index.ts';
import { ownerOf } from '../../plugins/auth.ts';
import { SIGNING_KEY_EXAMPLE_X, SigningKeySchema, presentSigningKey } from '../../presenters/signatures.ts';
import { errorResponses } from '../../schemas.ts';
import type { TypedApp } from '../../route.ts';
import { realTimeContext } from '../webhooks/shared.ts';
import { changingPolicy, signaturesRoute } from './shared.ts';

const JwkSchema = Type.Object({
  kty: Type.Literal('OKP'), crv: Type.Literal('Ed25519'),
  x: Type.String({ maxLength: 64, description: 'base64url of the 32-byte public key' }),
}, { additionalProperties: true, maxProperties: 16 });

export const CreateSigningKeyBody = Type.Object({
  algorithm: Type.Literal('ed25519'),
  public_key_pem: Type.Optional(Type.String({ maxLength: PUBLIC_KEY_INPUT_MAX, description: 'SPKI PEM; or send `jwk`.' })),
  jwk: Type.Optional(JwkSchema),
}, {
  additionalProperties: false,
  examples: [
    { algorithm: 'ed25519', jwk: { kty: 'OKP', crv: 'Ed25519', x: SIGNING_KEY_EXAMPLE_X } },
    {
      algorithm: 'ed25519',
      public_key_pem: '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAQFv6S4ojLEEKvc+n15HkGPIwJWQ7hhovZ0ZTNJqKbW8=\n-----END PUBLIC KEY-----\n',
    },
  ],
});

export function createSigningKeyRoute(app: TypedApp): void {
  app.post('/v1/signing_keys', {
    // Not config.idempotent: see changingPolicy().
    schema: {
      ...signaturesRoute.schema, operationId: 'signingKeys.create', summary: 'Register a signing key',
      description: 'Registers an Ed25519 public key (SPKI PEM or JWK) for RFC 9421 request signatures in this mode. From then on '
        + 'every POST, PUT, PATCH and DELETE of this merchant and mode must be signed with a registered key (its `id` is the '
        + '`keyid`). The first key can be registered unsigned; later ones need a signature.',
      body: CreateSigningKeyBody,
      response: { 201: SigningKeySchema, ...errorResponses(403, 409) },
    },
  }, (request, reply) => changingPolicy(request, reply, 201, async (tx) => {
    const input = { pem: request.body.public_key_pem, jwk: request.body.jwk };
    return presentSigningKey(await createSigningKey(tx, ownerOf(request), input, realTimeContext(request)));
  }));
}
