import { Type } from '@fastify/type-provider-typebox';
import { listEvents, presentEvent } from '../../../webhooks/index.ts';
import { PAGE_LIMIT_DEFAULT } from '../../../lib/pagination.ts';
import { ownerOf } from '../../plugins/auth.ts';
import { PageQuery, errorResponses, listOf } from '../../schemas.ts';
import type { TypedApp } from '../../route.ts';
import { EventSchema, EventTypeSchema } from '../webhooks/schemas.ts';
import { eventsSchema } from './shared.ts';

export const ListEventsQuery = Type.Object({ ...PageQuery.properties, type: Type.Optional(EventTypeSchema) }, { additionalProperties: false });

export function listEventsRoute(app: TypedApp): void {
  app.get('/v1/events', {
    schema: {
      ...eventsSchema, operationId: 'events.list', summary: 'List events',
      description: "The events of the calling merchant and the key's mode, newest first; filter by `type`.",
      querystring: ListEventsQuery,
      response: { 200: { ...listOf(EventSchema), description: 'A page of events.' }, ...errorResponses(403) },
    },
  }, async (request) => {
    const { limit = PAGE_LIMIT_DEFAULT, starting_after: startingAfter = null, type } = request.query;
    const page = await listEvents(app.deps.db, ownerOf(request), { type }, { limit, startingAfter });
    return { object: 'list' as const, data: page.data.map(presentEvent), has_more: page.hasMore };
  });
}
