import { Type } from '@fastify/type-provider-typebox';
import { presentDelivery, redeliverEvent } from '../../../webhooks/index.ts';
import { actionContext, ownerOf } from '../../plugins/auth.ts';
import { errorResponses, listOf } from '../../schemas.ts';
import { txOf, type TypedApp } from '../../route.ts';
import { DeliverySchema } from '../webhooks/schemas.ts';
import { EventIdParams, eventsSchema } from './shared.ts';

export const RedeliverEventBody = Type.Object({
  endpoint_id: Type.Optional(Type.String({ maxLength: 64, description: 'we_…; every subscribed endpoint when left out.' })),
}, { additionalProperties: false, examples: [{ endpoint_id: 'we_01jz3v6c2pq8t4x7n1k9m5r3bd' }] });

export function redeliverEventRoute(app: TypedApp): void {
  app.post('/v1/events/:id/redeliver', {
    config: { idempotent: true },
    // The body is optional: no body means "every subscribed endpoint".
    preValidation: async (request) => {
      request.body ??= {};
    },
    schema: {
      ...eventsSchema, operationId: 'events.redeliver', summary: 'Redeliver an event',
      description: 'Sends the event again now, with the same `webhook-id`: to `endpoint_id` if given (it must be enabled), '
        + 'otherwise to every enabled endpoint subscribed to its type. Each is a new delivery with its own retries.',
      params: EventIdParams,
      body: RedeliverEventBody,
      response: { 202: { ...listOf(DeliverySchema), description: 'The deliveries scheduled.' }, ...errorResponses(403, 404, 409) },
    },
  }, async (request, reply) => {
    // Real time, not the sandbox test clock: the dispatcher schedules by the real clock.
    const now = app.deps.clock.now();
    const deliveries = await redeliverEvent(txOf(request), ownerOf(request), request.params.id, request.body.endpoint_id,
      { ...actionContext(request, now), at: now });
    reply.code(202);
    return { object: 'list' as const, data: deliveries.map(presentDelivery), has_more: false };
  });
}
