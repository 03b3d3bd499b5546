import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from '@fastify/type-provider-typebox';
import {
  createSigningKey, deleteSigningKey, getSignatureSettings, getSigningKey, listSigningKeys, tesseraSigningKey, updateSignatureSettings,
  type SignatureSettings, type SigningKey,
} from '../../../signatures/index.ts';
import { PUBLIC_KEY_INPUT_MAX } from '../../../signatures/keys.ts';
import { PAGE_LIMIT_DEFAULT } from '../../../lib/pagination.ts';
import { actionContext, ownerOf } from '../../plugins/auth.ts';
import { mutation } from '../../plugins/idempotency.ts';
import { PageQuery, Timestamp, errorResponses, listOf } from '../../schemas.ts';

const tags = ['Signatures'];
const security = [{ apiKey: [] }];
const IdParams = Type.Object({ id: Type.String({ maxLength: 64, description: 'key_…' }) });

const JwkSchema = Type.Object({
  kty: Type.Literal('OKP'), crv: Type.Literal('Ed25519'), x: Type.String({ maxLength: 64, description: 'base64url of the 32-byte public key' }),
}, { additionalProperties: true, maxProperties: 16 });

const SigningKeySchema = Type.Object({
  id: Type.String({ description: 'key_…: the `keyid` to put in Signature-Input.' }),
  object: Type.Literal('signing_key'),
  algorithm: Type.Literal('ed25519'),
  public_key_jwk: Type.Object({ kty: Type.Literal('OKP'), crv: Type.Literal('Ed25519'), x: Type.String() }),
  livemode: Type.Boolean(),
  created_at: Timestamp,
});

const SettingsSchema = Type.Object({
  object: Type.Literal('signature_settings'),
  require_signatures: Type.Boolean({ description: 'Refuse unsigned mutating requests even if no key were registered.' }),
  active_keys: Type.Integer(),
  enforced: Type.Boolean({ description: 'Whether POST, PUT, PATCH and DELETE must be signed now: a key is registered or signatures are required.' }),
});

const presentKey = (k: SigningKey) => ({
  id: k.id, object: 'signing_key' as const, algorithm: k.algorithm,
  public_key_jwk: { kty: 'OKP' as const, crv: 'Ed25519' as const, x: k.publicKey.toString('base64url') },
  livemode: k.mode === 'live', created_at: k.createdAt.toISOString(),
});

const presentSettings = (s: SignatureSettings) => ({
  object: 'signature_settings' as const, require_signatures: s.requireSignatures, active_keys: s.activeKeys, enforced: s.enforced,
});

export function signingKeyRoutes(app: FastifyInstance): void {
  const ctx = (request: FastifyRequest) => {
    const now = app.deps.clock.now();
    return { ...actionContext(request, now), at: now };
  };

  app.post('/v1/signing_keys', {
    schema: {
      tags, security, summary: 'Register a signing key',
      description: 'Registers an Ed25519 public key (SPKI PEM or JWK) for RFC 9421 request signatures in this mode. From then on every POST, PUT, PATCH and DELETE of this merchant and mode must be signed with a registered key (its `id` is the `keyid`). The first key can be registered unsigned; later ones need a signature.',
      body: Type.Object({
        algorithm: Type.Literal('ed25519'),
        public_key_pem: Type.Optional(Type.String({ maxLength: PUBLIC_KEY_INPUT_MAX })),
        jwk: Type.Optional(JwkSchema),
      }, { additionalProperties: false }),
      response: { 201: SigningKeySchema, ...errorResponses(403, 409) },
    },
  }, (request, reply) =>
    forgettingPolicy(request, () => mutation(request, reply, async (tx) => {
      const body = request.body as { public_key_pem?: string; jwk?: Record<string, unknown> };
      const key = await createSigningKey(tx, ownerOf(request), { pem: body.public_key_pem, jwk: body.jwk }, ctx(request));
      return { status: 201, body: presentKey(key) };
    })));

  app.get('/v1/signing_keys', {
    schema: {
      tags, security, summary: 'List signing keys', description: 'The active keys of this merchant and mode, newest first.',
      querystring: PageQuery, response: { 200: listOf(SigningKeySchema), ...errorResponses(403) },
    },
  }, async (request) => {
    const q = request.query as { limit?: number; starting_after?: string };
    const page = await listSigningKeys(app.deps.db, ownerOf(request), { limit: q.limit ?? PAGE_LIMIT_DEFAULT, startingAfter: q.starting_after ?? null });
    return { object: 'list' as const, data: page.data.map(presentKey), has_more: page.hasMore };
  });

  app.get('/v1/signing_keys/:id', {
    schema: { tags, security, summary: 'Retrieve a signing key', description: 'One active key of this merchant and mode, as a public JWK.', params: IdParams, response: { 200: SigningKeySchema, ...errorResponses(403, 404) } },
  }, async (request) => presentKey(await getSigningKey(app.deps.db, ownerOf(request), (request.params as { id: string }).id)));

  app.delete('/v1/signing_keys/:id', {
    schema: {
      tags, security, summary: 'Delete a signing key',
      description: 'Signatures made with it are refused from now on. The last key cannot be deleted while `require_signatures` is on (409).',
      params: IdParams,
      response: { 200: Type.Object({ id: Type.String(), object: Type.Literal('signing_key'), deleted: Type.Literal(true) }), ...errorResponses(403, 404, 409) },
    },
  }, (request, reply) =>
    forgettingPolicy(request, () => mutation(request, reply, async (tx) => {
      const key = await deleteSigningKey(tx, ownerOf(request), (request.params as { id: string }).id, ctx(request));
      return { status: 200, body: { id: key.id, object: 'signing_key' as const, deleted: true as const } };
    })));

  app.get('/v1/signature_settings', {
    schema: { tags, security, summary: 'Signature settings', description: 'Whether this merchant and mode require signed requests.', response: { 200: SettingsSchema, ...errorResponses(403) } },
  }, async (request) => presentSettings(await getSignatureSettings(app.deps.db, ownerOf(request))));

  app.patch('/v1/signature_settings', {
    schema: {
      tags, security, summary: 'Require signatures',
      description: '`require_signatures: true` refuses unsigned mutating requests for this merchant and mode (a key must be registered first, 409 otherwise). Turning it off must itself be a signed request while a key is registered.',
      body: Type.Object({ require_signatures: Type.Boolean() }, { additionalProperties: false }),
      response: { 200: SettingsSchema, ...errorResponses(403, 409) },
    },
  }, (request, reply) =>
    forgettingPolicy(request, () => mutation(request, reply, async (tx) => {
      const settings = await updateSignatureSettings(tx, ownerOf(request), (request.body as { require_signatures: boolean }).require_signatures, ctx(request));
      return { status: 200, body: presentSettings(settings) };
    })));

  app.get('/v1/.well-known/signing-keys', {
    config: { auth: 'public' },
    schema: {
      tags, summary: "Tessera's public signing keys (JWKS)",
      description: 'The Ed25519 keys with which Tessera signs webhooks and real-time decision requests (RFC 9421); the `kid` is the `keyid` of those signatures. No authentication.',
      response: {
        200: Type.Object({
          keys: Type.Array(Type.Object({
            kty: Type.Literal('OKP'), crv: Type.Literal('Ed25519'), x: Type.String(), kid: Type.String(), alg: Type.Literal('EdDSA'), use: Type.Literal('sig'),
          })),
        }),
        ...errorResponses(),
      },
    },
  }, async (_request, reply) => {
    reply.header('cache-control', 'public, max-age=3600');
    return { keys: [tesseraSigningKey(app.deps.keys).jwk] };
  });
}

/** Run a change to the merchant's signing keys or setting, then drop its cached policy (also on failure: a commit may have happened). */
async function forgettingPolicy<T>(request: FastifyRequest, change: () => Promise<T>): Promise<T> {
  try {
    return await change();
  } finally {
    request.server.signaturePolicies.forget(ownerOf(request));
  }
}
