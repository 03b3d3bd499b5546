import { updateEndpoint } from '../../../webhooks/index.ts';
import { ownerOf } from '../../plugins/auth.ts';
import { presentEndpoint } from '../../presenters/webhooks.ts';
import { errorResponses } from '../../schemas.ts';
import { txOf, type TypedApp } from '../../route.ts';
import { EndpointPatchSchema, EndpointSchema } from './schemas.ts';
import { checkUrlFirst, checkedUrl, EndpointParams, realTimeContext, webhookRoute } from './shared.ts';

export function updateEndpointRoute(app: TypedApp): void {
  app.patch('/v1/webhook_endpoints/:id', {
    config: { idempotent: true },
    preHandler: (request) => checkUrlFirst(request, request.body.url),
    schema: {
      ...webhookRoute.schema, operationId: 'webhookEndpoints.update', summary: 'Update a webhook endpoint',
      description: 'Change `url`, `events`, `description`, or `enabled`. Disabling cancels pending deliveries; enabling a '
        + 'disabled endpoint restarts its failure clock.',
      params: EndpointParams,
      body: EndpointPatchSchema,
      response: { 200: EndpointSchema, ...errorResponses(403, 404) },
    },
  }, async (request) => {
    const patch = request.body.url === undefined ? request.body : { ...request.body, url: checkedUrl(request) };
    const endpoint = await updateEndpoint(txOf(request), ownerOf(request), request.params.id, patch, realTimeContext(request));
    return presentEndpoint(endpoint);
  });
}
