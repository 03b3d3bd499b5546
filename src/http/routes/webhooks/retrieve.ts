import { getEndpoint } from '../../../webhooks/index.ts';
import { ownerOf } from '../../plugins/auth.ts';
import { presentEndpoint } from '../../presenters/webhooks.ts';
import { errorResponses } from '../../schemas.ts';
import type { TypedApp } from '../../route.ts';
import { EndpointSchema } from './schemas.ts';
import { EndpointParams, webhookRoute } from './shared.ts';

export function retrieveEndpointRoute(app: TypedApp): void {
  app.get('/v1/webhook_endpoints/:id', {
    schema: {
      ...webhookRoute.schema, operationId: 'webhookEndpoints.retrieve', summary: 'Retrieve a webhook endpoint',
      description: 'One endpoint of the calling merchant and mode, without its secret.',
      params: EndpointParams,
      response: { 200: EndpointSchema, ...errorResponses(403, 404) },
    },
  }, async (request) => presentEndpoint(await getEndpoint(app.deps.db, ownerOf(request), request.params.id)));
}
