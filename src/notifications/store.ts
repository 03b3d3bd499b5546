import type { Queryable } from '../db/index.ts';
import type { Mode } from '../merchants/index.ts';
import type { DeliveryStatus, Notification, NotificationChannel, OperatorNotification } from './types.ts';

export type NotificationRow = {
  id: string; merchant_id: string; mode: Mode; customer_id: string | null; channel: NotificationChannel; recipient: string;
  kind: string; subject: string | null; body_sealed: Buffer; status: DeliveryStatus; attempts: number;
  next_attempt_at: Date | null; last_error: string | null; provider: string | null; provider_message_id: string | null;
  created_at: Date; updated_at: Date;
};

export const toOperatorView = (r: NotificationRow): OperatorNotification => ({
  id: r.id, merchantId: r.merchant_id, mode: r.mode, customerId: r.customer_id, channel: r.channel, recipient: r.recipient,
  kind: r.kind, status: r.status, attempts: r.attempts, nextAttemptAt: r.next_attempt_at, lastError: r.last_error,
  provider: r.provider, providerMessageId: r.provider_message_id, createdAt: r.created_at, updatedAt: r.updated_at,
});

export const withBody = (r: NotificationRow, body: string): Notification => ({ ...toOperatorView(r), subject: r.subject, body });

export async function insertNotification(q: Queryable, n: {
  id: string; merchantId: string; mode: Mode; customerId: string | null; channel: NotificationChannel; recipient: string; kind: string;
  subject: string | null; bodySealed: Buffer; status: DeliveryStatus; at: Date;
}): Promise<void> {
  await q.query(
    `INSERT INTO notifications (id, merchant_id, mode, customer_id, channel, recipient, kind, subject, body_sealed, status,
       next_attempt_at, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, CASE WHEN $10 = 'queued' THEN $11::timestamptz END, $11, $11)`,
    [n.id, n.merchantId, n.mode, n.customerId, n.channel, n.recipient, n.kind, n.subject, n.bodySealed, n.status, n.at]);
}

/** A merchant's notifications of one mode, newest first (the sandbox outbox). */
export async function selectForOwner(
  q: Queryable, owner: { merchantId: string; mode: Mode }, customerId: string | null, limit: number, before: string | null,
): Promise<NotificationRow[]> {
  const { rows } = await q.query<NotificationRow>(
    `SELECT * FROM notifications WHERE merchant_id = $1 AND mode = $2 AND ($3::text IS NULL OR customer_id = $3)
       AND ($4::text IS NULL OR id < $4) ORDER BY id DESC LIMIT $5`,
    [owner.merchantId, owner.mode, customerId, before, limit]);
  return rows;
}

/** Every merchant's notifications for the operator, newest first, optionally of one status and channel. */
export async function selectForOperator(
  q: Queryable, filter: { status: DeliveryStatus | null; channel: NotificationChannel | null }, limit: number, before: string | null,
): Promise<NotificationRow[]> {
  const { rows } = await q.query<NotificationRow>(
    `SELECT * FROM notifications WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR channel = $2)
       AND ($3::text IS NULL OR id < $3) ORDER BY id DESC LIMIT $4`,
    [filter.status, filter.channel, before, limit]);
  return rows;
}

/**
 * Take up to `limit` due live messages under a lease (SKIP LOCKED: several
 * processes can share the work). A dispatcher that dies mid-send frees its
 * messages when the lease runs out.
 */
export async function claimDue(q: Queryable, now: Date, leaseUntil: Date, limit: number): Promise<NotificationRow[]> {
  const { rows } = await q.query<NotificationRow>(
    `UPDATE notifications n SET lease_until = $2
     FROM (SELECT id FROM notifications
           WHERE status = 'queued' AND next_attempt_at <= $1 AND (lease_until IS NULL OR lease_until <= $1)
           ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED) due
     WHERE n.id = due.id
     RETURNING n.*`, [now, leaseUntil, limit]);
  return rows;
}

/** The attempt's result on a claimed message; false when it is no longer queued (nothing changes then). */
export async function recordAttempt(q: Queryable, id: string, r: {
  status: 'queued' | 'sent' | 'failed'; attempts: number; nextAttemptAt: Date | null; error: string | null;
  provider: string | null; providerMessageId: string | null; at: Date;
}): Promise<boolean> {
  const res = await q.query(
    `UPDATE notifications SET status = $2, attempts = $3, next_attempt_at = $4, last_error = $5, provider = COALESCE($6, provider),
       provider_message_id = COALESCE($7, provider_message_id), lease_until = NULL, updated_at = $8
     WHERE id = $1 AND status = 'queued'`,
    [id, r.status, r.attempts, r.nextAttemptAt, r.error, r.provider, r.providerMessageId, r.at]);
  return (res.rowCount ?? 0) > 0;
}

export async function selectByProviderMessage(q: Queryable, provider: string, providerMessageId: string): Promise<NotificationRow | null> {
  const { rows } = await q.query<NotificationRow>(
    'SELECT * FROM notifications WHERE provider = $1 AND provider_message_id = $2 FOR UPDATE', [provider, providerMessageId]);
  return rows[0] ?? null;
}

export async function updateStatus(q: Queryable, id: string, status: DeliveryStatus, error: string | null, at: Date): Promise<void> {
  await q.query('UPDATE notifications SET status = $2, last_error = COALESCE($3, last_error), updated_at = $4 WHERE id = $1',
    [id, status, error, at]);
}
