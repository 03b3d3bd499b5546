import { rotateSecret } from '../../../webhooks/index.ts';
import { ownerOf } from '../../plugins/auth.ts';
import { presentEndpoint } from '../../presenters/webhooks.ts';
import { errorResponses } from '../../schemas.ts';
import { txOf, type TypedApp } from '../../route.ts';
import { EndpointWithSecretSchema } from './schemas.ts';
import { EndpointParams, realTimeContext, webhookRoute } from './shared.ts';

export function rotateSecretRoute(app: TypedApp): void {
  app.post('/v1/webhook_endpoints/:id/rotate_secret', {
    config: { idempotent: { secret: true } },
    schema: {
      ...webhookRoute.schema, operationId: 'webhookEndpoints.rotateSecret', summary: 'Rotate the signing secret',
      description: 'Returns a new secret (shown only here; a retry with the same Idempotency-Key gets it again). For 24 hours '
        + 'deliveries carry two signatures in `webhook-signature`, one per secret, so receivers can switch without losing events.',
      params: EndpointParams,
      response: { 200: EndpointWithSecretSchema, ...errorResponses(403, 404) },
    },
  }, async (request) => {
    const ctx = realTimeContext(request);
    const { endpoint, secret } = await rotateSecret(txOf(request), app.deps.keys, ownerOf(request), request.params.id, ctx);
    return { ...presentEndpoint(endpoint), secret };
  });
}
