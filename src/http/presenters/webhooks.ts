import type { Static } from '@fastify/type-provider-typebox';
import {
  presentDelivery as deliveryPayload, presentEndpoint as endpointPayload, presentEvent as eventPayload,
  type Attempt, type Delivery, type StoredEvent, type WebhookEndpoint,
} from '../../webhooks/index.ts';
import type { AttemptSchema, DeliverySchema, EndpointSchema, EventSchema } from '../routes/webhooks/schemas.ts';

/*
 * The webhook module presents endpoints, events and deliveries itself, because its dispatcher sends the same shapes
 * (an event body, the `webhook_endpoint.disabled` payload) and cannot import http/. Here they are checked against the
 * response schemas, so the API and the webhooks cannot drift apart.
 */
export const presentEndpoint = (e: WebhookEndpoint) => endpointPayload(e) satisfies Static<typeof EndpointSchema>;
export const presentEvent = (e: StoredEvent) => eventPayload(e) satisfies Static<typeof EventSchema>;
export const presentDelivery = (d: Delivery) => deliveryPayload(d) satisfies Static<typeof DeliverySchema>;

/** Attempts are only ever shown by the API. */
export const presentAttempt = (a: Attempt) => ({
  id: a.id, object: 'webhook_delivery_attempt' as const, delivery_id: a.deliveryId, endpoint_id: a.endpointId, event_id: a.eventId,
  event_type: a.eventType, attempt: a.attempt, attempted_at: a.attemptedAt.toISOString(), status_code: a.statusCode,
  latency_ms: a.latencyMs, response_body: a.responseBody, error: a.error, succeeded: a.succeeded,
}) satisfies Static<typeof AttemptSchema>;
