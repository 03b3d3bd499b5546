import { deleteEndpoint } from '../../../webhooks/index.ts';
import { ownerOf } from '../../plugins/auth.ts';
import { errorResponses } from '../../schemas.ts';
import { txOf, type TypedApp } from '../../route.ts';
import { DeletedEndpointSchema } from './schemas.ts';
import { EndpointParams, realTimeContext, webhookRoute } from './shared.ts';

export function deleteEndpointRoute(app: TypedApp): void {
  app.delete('/v1/webhook_endpoints/:id', {
    config: { idempotent: true },
    schema: {
      ...webhookRoute.schema, operationId: 'webhookEndpoints.delete', summary: 'Delete a webhook endpoint',
      description: 'Stops deliveries at once; pending ones are cancelled.',
      params: EndpointParams,
      response: { 200: DeletedEndpointSchema, ...errorResponses(403, 404) },
    },
  }, async (request) => {
    const endpoint = await deleteEndpoint(txOf(request), ownerOf(request), request.params.id, realTimeContext(request));
    return { id: endpoint.id, object: 'webhook_endpoint' as const, deleted: true as const };
  });
}
