import type { FastifyInstance } from 'fastify';
import { Type } from '@fastify/type-provider-typebox';
import { DomainError } from '../../../lib/errors.ts';
import { issueToken, TOKEN_TTL_SECONDS } from '../../../merchants/index.ts';
import { principalOf } from '../../plugins/auth.ts';
import { errorResponses } from '../../schemas.ts';

export function createToken(app: FastifyInstance): void {
  app.post('/v1/auth/token', {
    config: { auth: 'merchant', scope: 'read' },
    schema: {
      tags: ['Authentication'], summary: 'Exchange an API key for a token',
      description: `Returns a JWT valid for ${TOKEN_TTL_SECONDS / 60} minutes that works as the bearer credential in place of the key, with the key's merchant, mode and scopes. Revoking the key also stops its tokens. Only an API key can be exchanged (a token cannot renew itself).`,
      security: [{ apiKey: [] }],
      response: {
        200: Type.Object({
          object: Type.Literal('token'), token: Type.String(), token_type: Type.Literal('Bearer'),
          expires_in: Type.Integer({ description: 'Seconds.' }), expires_at: Type.String({ format: 'date-time' }),
        }),
        ...errorResponses(403),
      },
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
