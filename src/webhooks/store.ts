import type { Queryable } from '../db/index.ts';
import type { Mode } from '../merchants/index.ts';
import type { Attempt, Delivery, DeliveryStatus, DisabledReason, Owner, StoredEvent, WebhookEndpoint } from './types.ts';

type EndpointRow = {
  id: string; merchant_id: string; mode: Mode; url: string; description: string | null; events: string[]; enabled: boolean;
  disabled_reason: DisabledReason | null; secret_sealed: Buffer; previous_secret_sealed: Buffer | null;
  previous_secret_expires_at: Date | null; failing_since: Date | null; created_at: Date; updated_at: Date;
};

export const toEndpoint = (r: EndpointRow): WebhookEndpoint => ({
  id: r.id, merchantId: r.merchant_id, mode: r.mode, url: r.url, description: r.description, events: r.events, enabled: r.enabled,
  disabledReason: r.disabled_reason, secretSealed: r.secret_sealed, previousSecretSealed: r.previous_secret_sealed,
  previousSecretExpiresAt: r.previous_secret_expires_at, failingSince: r.failing_since, createdAt: r.created_at, updatedAt: r.updated_at,
});

export async function insertEndpoint(
  q: Queryable, e: { id: string; owner: Owner; url: string; description: string | null; events: string[]; secretSealed: Buffer; at: Date },
): Promise<WebhookEndpoint> {
  const { rows } = await q.query<EndpointRow>(
    `INSERT INTO webhook_endpoints (id, merchant_id, mode, url, description, events, secret_sealed, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING *`,
    [e.id, e.owner.merchantId, e.owner.mode, e.url, e.description, e.events, e.secretSealed, e.at]);
  return toEndpoint(rows[0]!);
}

export async function countEndpoints(q: Queryable, owner: Owner): Promise<number> {
  const { rows } = await q.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM webhook_endpoints WHERE merchant_id = $1 AND mode = $2 AND deleted_at IS NULL', [owner.merchantId, owner.mode]);
  return rows[0]!.n;
}

export async function selectEndpoint(q: Queryable, owner: Owner, id: string, forUpdate = false): Promise<WebhookEndpoint | null> {
  const { rows } = await q.query<EndpointRow>(
    // NO KEY UPDATE: attempts and deliveries reference the row (FOR KEY SHARE); a plain FOR UPDATE would deadlock with them.
    `SELECT * FROM webhook_endpoints WHERE id = $1 AND merchant_id = $2 AND mode = $3 AND deleted_at IS NULL${forUpdate ? ' FOR NO KEY UPDATE' : ''}`,
    [id, owner.merchantId, owner.mode]);
  return rows[0] ? toEndpoint(rows[0]) : null;
}

export async function selectEndpoints(q: Queryable, owner: Owner, limit: number, before: string | null): Promise<WebhookEndpoint[]> {
  const { rows } = await q.query<EndpointRow>(
    `SELECT * FROM webhook_endpoints WHERE merchant_id = $1 AND mode = $2 AND deleted_at IS NULL AND ($3::text IS NULL OR id < $3)
     ORDER BY id DESC LIMIT $4`, [owner.merchantId, owner.mode, before, limit]);
  return rows.map(toEndpoint);
}

/** Enabled endpoints of one merchant and mode that take this event type. */
export async function selectSubscribers(q: Queryable, owner: Owner, type: string): Promise<WebhookEndpoint[]> {
  const { rows } = await q.query<EndpointRow>(
    `SELECT * FROM webhook_endpoints WHERE merchant_id = $1 AND mode = $2 AND deleted_at IS NULL AND enabled
       AND (events @> ARRAY[$3::text] OR events @> ARRAY['*'])
     ORDER BY id`, [owner.merchantId, owner.mode, type]);
  return rows.map(toEndpoint);
}

export async function updateEndpoint(q: Queryable, e: WebhookEndpoint, at: Date): Promise<WebhookEndpoint> {
  const { rows } = await q.query<EndpointRow>(
    `UPDATE webhook_endpoints SET url = $2, description = $3, events = $4, enabled = $5, disabled_reason = $6,
       secret_sealed = $7, previous_secret_sealed = $8, previous_secret_expires_at = $9, failing_since = $10, updated_at = $11
     WHERE id = $1 RETURNING *`,
    [e.id, e.url, e.description, e.events, e.enabled, e.disabledReason, e.secretSealed, e.previousSecretSealed,
      e.previousSecretExpiresAt, e.failingSince, at]);
  return toEndpoint(rows[0]!);
}

export async function softDeleteEndpoint(q: Queryable, id: string, at: Date): Promise<void> {
  await q.query('UPDATE webhook_endpoints SET deleted_at = $2, enabled = false, updated_at = $2 WHERE id = $1', [id, at]);
}

/** Pending deliveries to an endpoint that stops receiving are cancelled: a redelivery brings an event back. */
export async function cancelPending(q: Queryable, endpointId: string, at: Date): Promise<number> {
  const r = await q.query(
    "UPDATE webhook_deliveries SET status = 'cancelled', lease_until = NULL, updated_at = $2 WHERE endpoint_id = $1 AND status = 'pending'",
    [endpointId, at]);
  return r.rowCount ?? 0;
}

type EventRow = { id: string; merchant_id: string; mode: Mode; type: string; version: number; data: StoredEvent['data']; created_at: Date };
export const toEvent = (r: EventRow): StoredEvent => ({
  id: r.id, merchantId: r.merchant_id, mode: r.mode, type: r.type, version: r.version, data: r.data, createdAt: r.created_at,
});

export async function selectEvent(q: Queryable, owner: Owner, id: string): Promise<StoredEvent | null> {
  const { rows } = await q.query<EventRow>(
    'SELECT id, merchant_id, mode, type, version, data, created_at FROM events WHERE id = $1 AND merchant_id = $2 AND mode = $3',
    [id, owner.merchantId, owner.mode]);
  return rows[0] ? toEvent(rows[0]) : null;
}

export async function selectEvents(q: Queryable, owner: Owner, type: string | null, limit: number, before: string | null): Promise<StoredEvent[]> {
  const { rows } = await q.query<EventRow>(
    `SELECT id, merchant_id, mode, type, version, data, created_at FROM events
     WHERE merchant_id = $1 AND mode = $2 AND ($3::text IS NULL OR type = $3) AND ($4::text IS NULL OR id < $4)
     ORDER BY id DESC LIMIT $5`, [owner.merchantId, owner.mode, type, before, limit]);
  return rows.map(toEvent);
}

type DeliveryRow = { id: string; event_id: string; endpoint_id: string; status: DeliveryStatus; attempts: number; next_attempt_at: Date; created_at: Date };
const toDelivery = (r: DeliveryRow): Delivery => ({
  id: r.id, eventId: r.event_id, endpointId: r.endpoint_id, status: r.status, attempts: r.attempts, nextAttemptAt: r.next_attempt_at, createdAt: r.created_at,
});

export async function insertDeliveries(q: Queryable, rows: { id: string; eventId: string; endpointId: string }[], at: Date): Promise<Delivery[]> {
  if (rows.length === 0) return [];
  const r = await q.query<DeliveryRow>(
    `INSERT INTO webhook_deliveries (id, event_id, endpoint_id, status, next_attempt_at, created_at, updated_at)
     SELECT id, event_id, endpoint_id, 'pending', $4, $4, $4 FROM unnest($1::text[], $2::text[], $3::text[]) AS t(id, event_id, endpoint_id)
     RETURNING *`,
    [rows.map((d) => d.id), rows.map((d) => d.eventId), rows.map((d) => d.endpointId), at]);
  return r.rows.map(toDelivery);
}

type AttemptRow = {
  id: string; delivery_id: string; endpoint_id: string; event_id: string; event_type: string; attempt: number; attempted_at: Date;
  status_code: number | null; latency_ms: number; response_body: string | null; error: string | null; succeeded: boolean;
};
const toAttempt = (r: AttemptRow): Attempt => ({
  id: r.id, deliveryId: r.delivery_id, endpointId: r.endpoint_id, eventId: r.event_id, eventType: r.event_type, attempt: r.attempt,
  attemptedAt: r.attempted_at, statusCode: r.status_code, latencyMs: r.latency_ms, responseBody: r.response_body, error: r.error, succeeded: r.succeeded,
});

export async function insertAttempt(q: Queryable, a: Omit<Attempt, 'eventType'>): Promise<void> {
  await q.query(
    `INSERT INTO webhook_attempts (id, delivery_id, endpoint_id, event_id, attempt, attempted_at, status_code, latency_ms, response_body, error, succeeded)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [a.id, a.deliveryId, a.endpointId, a.eventId, a.attempt, a.attemptedAt, a.statusCode, a.latencyMs, a.responseBody, a.error, a.succeeded]);
}

export async function selectAttempts(q: Queryable, endpointId: string, eventId: string | null, limit: number, before: string | null): Promise<Attempt[]> {
  const { rows } = await q.query<AttemptRow>(
    `SELECT a.*, e.type AS event_type FROM webhook_attempts a JOIN events e ON e.id = a.event_id
     WHERE a.endpoint_id = $1 AND ($2::text IS NULL OR a.event_id = $2) AND ($3::text IS NULL OR a.id < $3)
     ORDER BY a.id DESC LIMIT $4`, [endpointId, eventId, before, limit]);
  return rows.map(toAttempt);
}
