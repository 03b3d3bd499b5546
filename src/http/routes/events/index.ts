import type { FastifyInstance } from 'fastify';
import { Type } from '@fastify/type-provider-typebox';
import { getEvent, listEvents, presentDelivery, presentEvent, redeliverEvent } from '../../../webhooks/index.ts';
import { PAGE_LIMIT_DEFAULT } from '../../../lib/pagination.ts';
import { actionContext, ownerOf } from '../../plugins/auth.ts';
import { mutation } from '../../plugins/idempotency.ts';
import { PageQuery, errorResponses, listOf } from '../../schemas.ts';
import { DeliverySchema, EventSchema, EventTypeSchema } from '../webhooks/schemas.ts';

const tags = ['Events'];
const security = [{ apiKey: [] }];
const IdParams = Type.Object({ id: Type.String({ maxLength: 64, description: 'evt_…' }) });

export function eventRoutes(app: FastifyInstance): void {
  app.get('/v1/events', {
    schema: {
      tags, security, summary: 'List events',
      description: "The events of the calling merchant and the key's mode, newest first; filter by `type`.",
      querystring: Type.Object({ ...PageQuery.properties, type: Type.Optional(EventTypeSchema) }, { additionalProperties: false }),
      response: { 200: listOf(EventSchema), ...errorResponses(403) },
    },
  }, async (request) => {
    const q = request.query as { limit?: number; starting_after?: string; type?: string };
    const page = await listEvents(app.deps.db, ownerOf(request), { type: q.type }, { limit: q.limit ?? PAGE_LIMIT_DEFAULT, startingAfter: q.starting_after ?? null });
    return { object: 'list' as const, data: page.data.map(presentEvent), has_more: page.hasMore };
  });

  app.get('/v1/events/:id', {
    schema: {
      tags, security, summary: 'Retrieve an event', description: 'One event of the calling merchant and mode.',
      params: IdParams, response: { 200: EventSchema, ...errorResponses(403, 404) },
    },
  }, async (request) => presentEvent(await getEvent(app.deps.db, ownerOf(request), (request.params as { id: string }).id)));

  app.post('/v1/events/:id/redeliver', {
    // The body is optional: no body means "every subscribed endpoint".
    preValidation: async (request) => {
      request.body ??= {};
    },
    schema: {
      tags, security, summary: 'Redeliver an event',
      description: 'Sends the event again now, with the same `webhook-id`: to `endpoint_id` if given (it must be enabled), otherwise to every enabled endpoint subscribed to its type. Each is a new delivery with its own retries.',
      params: IdParams,
      body: Type.Object({ endpoint_id: Type.Optional(Type.String({ maxLength: 64, description: 'we_…' })) }, { additionalProperties: false }),
      response: { 202: listOf(DeliverySchema), ...errorResponses(403, 404, 409) },
    },
  }, (request, reply) =>
    mutation(request, reply, async (tx) => {
      const endpointId = (request.body as { endpoint_id?: string }).endpoint_id;
      // Real time, not the sandbox test clock: the dispatcher schedules by the real clock.
      const now = app.deps.clock.now();
      const deliveries = await redeliverEvent(tx, ownerOf(request), (request.params as { id: string }).id, endpointId,
        { ...actionContext(request, now), at: now });
      return { status: 202, body: { object: 'list' as const, data: deliveries.map(presentDelivery), has_more: false } };
    }));
}
