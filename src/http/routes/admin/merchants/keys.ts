import type { FastifyInstance } from 'fastify';
import { Type } from '@fastify/type-provider-typebox';
import { createApiKey, listApiKeys, revokeApiKey, MODES, SCOPES, type Mode, type Scope } from '../../../../merchants/index.ts';
import { actionContext, changingPrincipals } from '../../../plugins/auth.ts';
import { mutation } from '../../../plugins/idempotency.ts';
import { ApiKeySchema, ScopeSchema, presentKey } from '../../../presenters/merchants.ts';
import { errorResponses } from '../../../schemas.ts';
import { adminRoute, KeyParams, MerchantParams } from './shared.ts';

export function merchantKeyRoutes(app: FastifyInstance): void {
  app.post('/admin/v1/merchants/:id/keys', {
    ...adminRoute,
    schema: {
      ...adminRoute.schema, summary: 'Create an API key',
      description: 'Creates a sandbox or live key with the given scopes (default read and write; `cards:reveal` allows reading full card numbers; `keys:write` lets the key manage the keys of its mode itself, POST /v1/api_keys). The key is in this response only. A live key works once the merchant has live access.',
      params: MerchantParams,
      body: Type.Object({
        mode: Type.Union(MODES.map((m) => Type.Literal(m))),
        scopes: Type.Optional(Type.Array(ScopeSchema, { minItems: 1, maxItems: SCOPES.length, uniqueItems: true })),
      }, { additionalProperties: false }),
      response: { 201: Type.Object({ ...ApiKeySchema.properties, api_key: Type.String({ description: 'The key, shown once.' }) }), ...errorResponses(404, 409, 422) },
    },
  }, (request, reply) =>
    mutation(request, reply, async (tx) => {
      const { id } = request.params as { id: string };
      const body = request.body as { mode: Mode; scopes?: Scope[] };
      const issued = await createApiKey(tx, id, body.mode, body.scopes, actionContext(request, app.deps.clock.now()));
      return { status: 201, body: { ...presentKey(issued.key), api_key: issued.secret } };
    }, { secret: true }));

  app.get('/admin/v1/merchants/:id/keys', {
    ...adminRoute,
    schema: {
      ...adminRoute.schema, summary: "List a merchant's API keys", description: 'Every key, revoked ones included; never the keys themselves.',
      params: MerchantParams,
      response: { 200: Type.Object({ object: Type.Literal('list'), data: Type.Array(ApiKeySchema), has_more: Type.Boolean() }), ...errorResponses(404) },
    },
  }, async (request) => {
    const keys = await listApiKeys(app.deps.db, (request.params as { id: string }).id);
    return { object: 'list' as const, data: keys.map(presentKey), has_more: false };
  });

  app.delete('/admin/v1/merchants/:id/keys/:keyId', {
    ...adminRoute,
    schema: {
      ...adminRoute.schema, summary: 'Revoke an API key',
      description: 'Revokes the key: it and every token issued for it answer 401 `api_key_revoked` from the next request on this server process, and within 1 second on every other process sharing the database. Revoking twice is harmless.',
      params: KeyParams,
      response: { 200: ApiKeySchema, ...errorResponses(404, 409, 422) },
    },
  }, (request, reply) => {
    const { id, keyId } = request.params as { id: string; keyId: string };
    return changingPrincipals(request, id, () => mutation(request, reply, async (tx) => {
      const key = await revokeApiKey(tx, id, keyId, actionContext(request, app.deps.clock.now()));
      return { status: 200, body: presentKey(key) };
    }));
  });
}
