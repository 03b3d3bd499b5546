import { listEndpoints } from '../../../webhooks/index.ts';
import { PAGE_LIMIT_DEFAULT } from '../../../lib/pagination.ts';
import { ownerOf } from '../../plugins/auth.ts';
import { presentEndpoint } from '../../presenters/webhooks.ts';
import { PageQuery, errorResponses, listOf } from '../../schemas.ts';
import type { TypedApp } from '../../route.ts';
import { EndpointSchema } from './schemas.ts';
import { webhookRoute } from './shared.ts';

export function listEndpointsRoute(app: TypedApp): void {
  app.get('/v1/webhook_endpoints', {
    schema: {
      ...webhookRoute.schema, operationId: 'webhookEndpoints.list', summary: 'List webhook endpoints',
      description: 'The endpoints of the calling merchant and mode, newest first, without their secrets.',
      querystring: PageQuery,
      response: { 200: listOf(EndpointSchema), ...errorResponses(403) },
    },
  }, async (request) => {
    const { limit = PAGE_LIMIT_DEFAULT, starting_after: startingAfter = null } = request.query;
    const page = await listEndpoints(app.deps.db, ownerOf(request), { limit, startingAfter });
    return { object: 'list' as const, data: page.data.map(presentEndpoint), has_more: page.hasMore };
  });
}
