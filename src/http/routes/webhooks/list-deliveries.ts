import { Type } from '@fastify/type-provider-typebox';
import { listAttempts } from '../../../webhooks/index.ts';
import { PAGE_LIMIT_DEFAULT } from '../../../lib/pagination.ts';
import { ownerOf } from '../../plugins/auth.ts';
import { presentAttempt } from '../../presenters/webhooks.ts';
import { PageQuery, errorResponses, listOf } from '../../schemas.ts';
import type { TypedApp } from '../../route.ts';
import { AttemptSchema } from './schemas.ts';
import { EndpointParams, webhookRoute } from './shared.ts';

export const ListDeliveriesQuery = Type.Object({
  ...PageQuery.properties,
  event_id: Type.Optional(Type.String({ maxLength: 64, description: 'Only the attempts to deliver this event (evt_…).' })),
}, { additionalProperties: false });

export function listDeliveriesRoute(app: TypedApp): void {
  app.get('/v1/webhook_endpoints/:id/deliveries', {
    schema: {
      ...webhookRoute.schema, operationId: 'webhookDeliveries.list', summary: 'List delivery attempts',
      description: 'Every attempt to this endpoint, newest first: when, the HTTP status, the latency, and the first 1 KiB of '
        + 'the response. Filter by `event_id`.',
      params: EndpointParams,
      querystring: ListDeliveriesQuery,
      response: { 200: listOf(AttemptSchema), ...errorResponses(403, 404) },
    },
  }, async (request) => {
    const { limit = PAGE_LIMIT_DEFAULT, starting_after: startingAfter = null, event_id: eventId } = request.query;
    const page = await listAttempts(app.deps.db, ownerOf(request), request.params.id, { eventId }, { limit, startingAfter });
    return { object: 'list' as const, data: page.data.map(presentAttempt), has_more: page.hasMore };
  });
}
