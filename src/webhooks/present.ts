import type { Delivery, StoredEvent, WebhookEndpoint } from './types.ts';

/** The API's shape of an endpoint; never the secret (shown once, by create and rotate_secret). */
export const presentEndpoint = (e: WebhookEndpoint) => ({
  id: e.id, object: 'webhook_endpoint' as const, url: e.url, description: e.description, events: e.events,
  enabled: e.enabled, disabled_reason: e.disabledReason, livemode: e.mode === 'live',
  created_at: e.createdAt.toISOString(), updated_at: e.updatedAt.toISOString(),
});

/** The API's shape of an event; webhook bodies are this plus `timestamp` (Standard Webhooks). */
export const presentEvent = (e: StoredEvent) => ({
  id: e.id, object: 'event' as const, type: e.type, version: e.version, livemode: e.mode === 'live', created_at: e.createdAt.toISOString(), data: e.data,
});

export const presentDelivery = (d: Delivery) => ({
  id: d.id, object: 'webhook_delivery' as const, event_id: d.eventId, endpoint_id: d.endpointId, status: d.status,
  attempts: d.attempts, next_attempt_at: d.nextAttemptAt.toISOString(), created_at: d.createdAt.toISOString(),
});
