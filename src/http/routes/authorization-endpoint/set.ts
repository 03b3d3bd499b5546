import { Type } from '@fastify/type-provider-typebox';
import { DECISION_TIMEOUT_MS_DEFAULT, DECISION_TIMEOUT_MS_MAX, setDecisionEndpoint } from '../../../authorizations/index.ts';
import { assertWebhookUrl } from '../../../webhooks/index.ts';
import { ownerOf } from '../../plugins/auth.ts';
import { mutation } from '../../plugins/idempotency.ts';
import { errorResponses } from '../../schemas.ts';
import type { TypedApp } from '../../route.ts';
import { EndpointSchema, SetEndpointExample, changingEndpoint, endpointDoc } from './schemas.ts';

export const SetEndpointBody = Type.Object({
  url: Type.String({ maxLength: 2048 }),
  fallback: Type.Enum(['approve', 'decline'] as const),
  timeout_ms: Type.Optional(Type.Integer({ minimum: 100, maximum: DECISION_TIMEOUT_MS_MAX })),
}, { additionalProperties: false, examples: [{ url: 'https://api.acme-wallet.example/tessera/decide', fallback: 'decline', timeout_ms: 1500 }] });

export function setAuthorizationEndpointRoute(app: TypedApp): void {
  const { clock, keys, config } = app.deps;
  app.put('/v1/authorization_endpoint', {
    // Not config.idempotent: the cached endpoint is forgotten after the transaction, around mutation() (changingEndpoint).
    schema: {
      ...endpointDoc, operationId: 'authorizationEndpoint.set', summary: 'Set the real-time decision endpoint',
      description: 'Tessera POSTs each authorization to `url` (signed with Standard Webhooks headers) and applies the answer '
        + '`{"approved": bool, "amount"?: int}` (an amount below the request approves partially). On timeout (`timeout_ms`, at most '
        + `${DECISION_TIMEOUT_MS_MAX}, default ${DECISION_TIMEOUT_MS_DEFAULT}), error, a bad answer or a bad response signature, `
        + '`fallback` applies and the authorization records `decision_source: "fallback"`. The `secret` is in the answer that first '
        + 'sets the endpoint only (a retry with the same Idempotency-Key gets it again: the stored answer is sealed).',
      body: SetEndpointBody,
      response: { 200: Type.Object(EndpointSchema.properties, { examples: [SetEndpointExample] }), ...errorResponses(403, 409, 422) },
    },
  }, async (request, reply) => {
    const { fallback, timeout_ms: timeoutMs = DECISION_TIMEOUT_MS_DEFAULT } = request.body;
    // Checked (DNS included) before the transaction: no transaction waits on the network.
    const url = await assertWebhookUrl(request.body.url, { allowPrivate: config.webhooksAllowPrivate });
    const owner = ownerOf(request);
    return changingEndpoint(app, owner, () => mutation(request, reply, async (tx) => {
      const { endpoint, created } = await setDecisionEndpoint(tx, keys, owner, { url, fallback, timeoutMs }, clock.now());
      const body = { object: 'authorization_endpoint' as const, url: endpoint.url, fallback: endpoint.fallback, timeout_ms: endpoint.timeoutMs };
      return { status: 200, body: created ? { ...body, secret: endpoint.secret } : body };
    }, { secret: true }));
  });
}
