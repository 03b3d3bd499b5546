import type { Queryable, Tx } from '../db/index.ts';
import type { KeyProvider } from '../crypto/index.ts';
import { newId } from '../lib/ids.ts';
import type { Mode } from '../merchants/index.ts';

/**
 * The notification channel (SPEC §9). Sandbox messages are stored for the
 * API and dashboard to show (the sandbox "SMS outbox"); live messages are
 * queued for a provider adapter. Bodies are sealed: they may hold one-time codes.
 */
export interface Notification {
  id: string;
  customerId: string | null;
  channel: 'sms' | 'email';
  recipient: string;
  kind: string;
  body: string;
  status: 'stored' | 'queued' | 'sent' | 'failed';
  createdAt: Date;
}

export interface NotificationInput {
  merchantId: string;
  mode: Mode;
  customerId: string | null;
  channel: 'sms' | 'email';
  recipient: string;
  kind: 'card.activation_code' | 'kyc.result' | 'sms';
  body: string;
  at: Date;
}

const aad = (id: string) => `notification:v1:${id}`;

export async function sendNotification(tx: Tx, keys: KeyProvider, n: NotificationInput): Promise<string> {
  const id = newId('notification');
  await tx.query(
    `INSERT INTO notifications (id, merchant_id, mode, customer_id, channel, recipient, kind, body_sealed, status, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [id, n.merchantId, n.mode, n.customerId, n.channel, n.recipient, n.kind, await keys.seal(Buffer.from(n.body, 'utf8'), aad(id)),
      n.mode === 'sandbox' ? 'stored' : 'queued', n.at]);
  return id;
}

/** Newest first; the sandbox outbox view. */
export async function listNotifications(
  q: Queryable, keys: KeyProvider, owner: { merchantId: string; mode: Mode }, customerId: string | null, limit: number, before: string | null,
): Promise<Notification[]> {
  const { rows } = await q.query<{
    id: string; customer_id: string | null; channel: 'sms' | 'email'; recipient: string; kind: string; body_sealed: Buffer;
    status: Notification['status']; created_at: Date;
  }>(
    `SELECT * FROM notifications WHERE merchant_id = $1 AND mode = $2 AND ($3::text IS NULL OR customer_id = $3)
       AND ($4::text IS NULL OR id < $4) ORDER BY id DESC LIMIT $5`,
    [owner.merchantId, owner.mode, customerId, before, limit]);
  return Promise.all(rows.map(async (r) => ({
    id: r.id, customerId: r.customer_id, channel: r.channel, recipient: r.recipient, kind: r.kind,
    body: (await keys.open(r.body_sealed, aad(r.id))).toString('utf8'), status: r.status, createdAt: r.created_at,
  })));
}
