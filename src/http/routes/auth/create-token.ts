import { Type } from '@fastify/type-provider-typebox';
import { DomainError } from '../../../lib/errors.ts';
import { issueToken, TOKEN_TTL_SECONDS } from '../../../merchants/index.ts';
import { principalOf } from '../../plugins/auth.ts';
import { errorResponses } from '../../schemas.ts';
import type { TypedApp } from '../../route.ts';
import { authRoute } from './schemas.ts';

export const TokenSchema = Type.Object({
  object: Type.Literal('token'),
  token: Type.String({ description: 'A JWT (HS256): send it as `Authorization: Bearer <token>`.' }),
  token_type: Type.Literal('Bearer'),
  expires_in: Type.Integer({ description: 'Seconds.' }),
  expires_at: Type.String({ format: 'date-time' }),
}, {
  examples: [{
    object: 'token', token_type: 'Bearer', expires_in: TOKEN_TTL_SECONDS, expires_at: '2026-11-20T08:18:41.000Z',
    token: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhcGlrZXlfMDFqejNtMmM3aHE0czh4MXY2YjluMGszdGUiLCJleHAiOjE3OTUxNzAwNDJ9'
      + '.bm90LWEtcmVhbC1zaWduYXR1cmUtZXhhbXBsZS1vbmx5',
  }],
});

export function createTokenRoute(app: TypedApp): void {
  app.post('/v1/auth/token', {
    // Not idempotent: a token is cheap and short-lived; asking again simply gives another.
    config: { ...authRoute.config, scope: 'read' },
    schema: {
      ...authRoute.schema, operationId: 'auth.createToken', summary: 'Exchange an API key for a token',
      description: `Returns a JWT valid for ${TOKEN_TTL_SECONDS / 60} minutes that works as the bearer credential in place of the `
        + "key, with the key's merchant, mode and scopes. Revoking the key also stops its tokens. Only an API key can be "
        + 'exchanged (a token cannot renew itself). Needs only `read`.',
      response: { 200: TokenSchema, ...errorResponses(403) },
    },
  }, async (request) => {
    if (!request.headers.authorization?.slice(7).startsWith('sk_')) {
      throw new DomainError('invalid_api_key', 'Only an API key can be exchanged for a token.');
    }
    const { keys, clock } = app.deps;
    const { token, expiresAt } = await issueToken(principalOf(request), keys.derive('jwt-signing-v1'), clock.now());
    return { object: 'token' as const, token, token_type: 'Bearer' as const, expires_in: TOKEN_TTL_SECONDS, expires_at: expiresAt.toISOString() };
  });
}
