import { tesseraSigningKey } from '../../../signatures/index.ts';
import { TesseraKeysSchema } from '../../presenters/signatures.ts';
import { errorResponses } from '../../schemas.ts';
import type { TypedApp } from '../../route.ts';

export function tesseraSigningKeysRoute(app: TypedApp): void {
  app.get('/v1/.well-known/signing-keys', {
    config: { auth: 'public' },
    schema: {
      tags: ['Signatures'], operationId: 'tesseraSigningKeys.list', summary: "Tessera's public signing keys (JWKS)",
      description: 'The Ed25519 keys with which Tessera signs webhooks and real-time decision requests (RFC 9421); the `kid` is '
        + 'the `keyid` of those signatures. No authentication.',
      response: { 200: TesseraKeysSchema, ...errorResponses() },
    },
  }, async (_request, reply) => {
    reply.header('cache-control', 'public, max-age=3600');
    return { keys: [tesseraSigningKey(app.deps.keys).jwk] };
  });
}
