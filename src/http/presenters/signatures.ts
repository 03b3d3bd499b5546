import { Type, type Static } from '@fastify/type-provider-typebox';
import type { SignatureSettings, SigningKey } from '../../signatures/index.ts';
import { Timestamp } from '../schemas.ts';

/** A merchant's Ed25519 public key, as its JWK. */
const PublicJwk = {
  kty: Type.Literal('OKP'), crv: Type.Literal('Ed25519'), x: Type.String({ description: 'base64url of the 32-byte public key' }),
};

export const SIGNING_KEY_EXAMPLE_X = 'QFv6S4ojLEEKvc-n15HkGPIwJWQ7hhovZ0ZTNJqKbW8';

export const SigningKeySchema = Type.Object({
  id: Type.String({ description: 'key_…: the `keyid` to put in Signature-Input.' }),
  object: Type.Literal('signing_key'),
  algorithm: Type.Literal('ed25519'),
  public_key_jwk: Type.Object(PublicJwk),
  livemode: Type.Boolean(),
  created_at: Timestamp,
}, {
  examples: [{
    id: 'key_01jz9a3k6mq8w1c4x7v0n2b5tr', object: 'signing_key', algorithm: 'ed25519',
    public_key_jwk: { kty: 'OKP', crv: 'Ed25519', x: SIGNING_KEY_EXAMPLE_X }, livemode: false, created_at: '2026-11-06T14:05:37.918Z',
  }],
});

export const SignatureSettingsSchema = Type.Object({
  object: Type.Literal('signature_settings'),
  require_signatures: Type.Boolean({ description: 'Refuse unsigned mutating requests even if no key were registered.' }),
  active_keys: Type.Integer(),
  enforced: Type.Boolean({
    description: 'Whether POST, PUT, PATCH and DELETE must be signed now: a key is registered or signatures are required.',
  }),
}, { examples: [{ object: 'signature_settings', require_signatures: true, active_keys: 1, enforced: true }] });

export const TesseraKeysSchema = Type.Object({
  keys: Type.Array(Type.Object({
    ...PublicJwk,
    kid: Type.String({ description: 'The `keyid` of signatures made with it: the JWK thumbprint (RFC 7638).' }),
    alg: Type.Literal('EdDSA'),
    use: Type.Literal('sig'),
  })),
}, {
  examples: [{
    keys: [{
      kty: 'OKP', crv: 'Ed25519', x: 'xs3Hyks086SJRyj2SxN9YSzRXDABuQxZzOT39fgB9Pk', kid: 'n_nAun0NV4vVr4lfNz5U7rlvgS8VpEoNNPei5rX396c',
      alg: 'EdDSA', use: 'sig',
    }],
  }],
});

export const presentSigningKey = (k: SigningKey) => ({
  id: k.id, object: 'signing_key' as const, algorithm: k.algorithm,
  public_key_jwk: { kty: 'OKP' as const, crv: 'Ed25519' as const, x: k.publicKey.toString('base64url') },
  livemode: k.mode === 'live', created_at: k.createdAt.toISOString(),
}) satisfies Static<typeof SigningKeySchema>;

export const presentSignatureSettings = (s: SignatureSettings) => ({
  object: 'signature_settings' as const, require_signatures: s.requireSignatures, active_keys: s.activeKeys, enforced: s.enforced,
}) satisfies Static<typeof SignatureSettingsSchema>;
