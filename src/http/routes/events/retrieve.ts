import { getEvent, presentEvent } from '../../../webhooks/index.ts';
import { ownerOf } from '../../plugins/auth.ts';
import { errorResponses } from '../../schemas.ts';
import type { TypedApp } from '../../route.ts';
import { EventSchema } from '../webhooks/schemas.ts';
import { EventIdParams, eventsSchema } from './shared.ts';

export function retrieveEventRoute(app: TypedApp): void {
  app.get('/v1/events/:id', {
    schema: {
      ...eventsSchema, operationId: 'events.retrieve', summary: 'Retrieve an event', description: 'One event of the calling merchant and mode.',
      params: EventIdParams,
      response: { 200: { ...EventSchema, description: 'The event.' }, ...errorResponses(403, 404) },
    },
  }, async (request) => presentEvent(await getEvent(app.deps.db, ownerOf(request), request.params.id)));
}
