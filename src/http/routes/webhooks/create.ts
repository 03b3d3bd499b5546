import { createEndpoint } from '../../../webhooks/index.ts';
import { ownerOf } from '../../plugins/auth.ts';
import { presentEndpoint } from '../../presenters/webhooks.ts';
import { errorResponses } from '../../schemas.ts';
import { txOf, type TypedApp } from '../../route.ts';
import { EndpointInputSchema, EndpointWithSecretSchema } from './schemas.ts';
import { checkUrlFirst, checkedUrl, realTimeContext, webhookRoute } from './shared.ts';

export function createEndpointRoute(app: TypedApp): void {
  app.post('/v1/webhook_endpoints', {
    config: { idempotent: { secret: true } },
    preHandler: (request) => checkUrlFirst(request, request.body.url),
    schema: {
      ...webhookRoute.schema, operationId: 'webhookEndpoints.create', summary: 'Create a webhook endpoint',
      description: "Registers an HTTPS URL to receive events signed per Standard Webhooks (and RFC 9421 with Tessera's key). The "
        + 'URL must not resolve to a private, loopback or link-local address. The `secret` is shown only in this response (a '
        + 'retry with the same Idempotency-Key gets it again). At most 16 endpoints per merchant and mode.',
      body: EndpointInputSchema,
      response: { 201: EndpointWithSecretSchema, ...errorResponses(403, 409) },
    },
  }, async (request, reply) => {
    const input = { ...request.body, url: checkedUrl(request) };
    const ctx = realTimeContext(request);
    const { endpoint, secret } = await createEndpoint(txOf(request), app.deps.keys, ownerOf(request), input, ctx);
    reply.code(201);
    return { ...presentEndpoint(endpoint), secret };
  });
}
