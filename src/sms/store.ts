import type { Queryable } from '../db/index.ts';
import type { Mode } from '../merchants/index.ts';
import type { BlockedNumber, Owner, Sms, SmsEncoding, SmsPrice, SmsStatus } from './types.ts';

type SmsRow = {
  id: string; merchant_id: string; mode: Mode; customer_id: string | null; notification_id: string; recipient: string; country: string;
  encoding: SmsEncoding; segments: number; price: bigint; currency: string; status: SmsStatus; failure_reason: string | null;
  settled_at: Date | null; created_at: Date; updated_at: Date;
};

const toSms = (r: SmsRow): Sms => ({
  id: r.id, merchantId: r.merchant_id, mode: r.mode, customerId: r.customer_id, notificationId: r.notification_id, to: r.recipient,
  country: r.country, encoding: r.encoding, segments: r.segments, price: BigInt(r.price), currency: r.currency, status: r.status,
  failureReason: r.failure_reason, settledAt: r.settled_at, createdAt: r.created_at, updatedAt: r.updated_at,
});

export async function insertSms(q: Queryable, s: Sms): Promise<void> {
  await q.query(
    `INSERT INTO sms_messages (id, merchant_id, mode, customer_id, notification_id, recipient, country, encoding, segments, price,
       currency, status, failure_reason, settled_at, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
    [s.id, s.merchantId, s.mode, s.customerId, s.notificationId, s.to, s.country, s.encoding, s.segments, s.price, s.currency,
      s.status, s.failureReason, s.settledAt, s.createdAt, s.updatedAt]);
}

export async function selectSms(q: Queryable, owner: Owner, id: string): Promise<Sms | null> {
  const { rows } = await q.query<SmsRow>('SELECT * FROM sms_messages WHERE id = $1 AND merchant_id = $2 AND mode = $3',
    [id, owner.merchantId, owner.mode]);
  return rows[0] ? toSms(rows[0]) : null;
}

export async function selectSmsByNotification(q: Queryable, notificationId: string): Promise<Sms | null> {
  const { rows } = await q.query<SmsRow>('SELECT * FROM sms_messages WHERE notification_id = $1 FOR UPDATE', [notificationId]);
  return rows[0] ? toSms(rows[0]) : null;
}

export async function selectSmsPage(
  q: Queryable, owner: Owner, status: SmsStatus | null, limit: number, before: string | null,
): Promise<Sms[]> {
  const { rows } = await q.query<SmsRow>(
    `SELECT * FROM sms_messages WHERE merchant_id = $1 AND mode = $2 AND ($3::text IS NULL OR status = $3)
       AND ($4::text IS NULL OR id < $4) ORDER BY id DESC LIMIT $5`,
    [owner.merchantId, owner.mode, status, before, limit]);
  return rows.map(toSms);
}

export async function updateSms(q: Queryable, s: Sms): Promise<void> {
  await q.query('UPDATE sms_messages SET status = $2, failure_reason = $3, settled_at = $4, updated_at = $5 WHERE id = $1',
    [s.id, s.status, s.failureReason, s.settledAt, s.updatedAt]);
}

/** Messages a provider took but never reported on since `before`: their price is still held. */
export async function selectSilent(q: Queryable, before: Date, limit: number): Promise<Sms[]> {
  const { rows } = await q.query<SmsRow>(
    `SELECT * FROM sms_messages WHERE settled_at IS NULL AND status = 'sent' AND updated_at <= $1
     ORDER BY updated_at LIMIT $2 FOR UPDATE SKIP LOCKED`, [before, limit]);
  return rows.map(toSms);
}

/** A merchant's messages of one mode since `since`, for its rate. */
export async function countSince(q: Queryable, owner: Owner, since: Date): Promise<number> {
  const { rows } = await q.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM sms_messages WHERE merchant_id = $1 AND mode = $2 AND created_at > $3',
    [owner.merchantId, owner.mode, since]);
  return rows[0]!.n;
}

/**
 * Sends of one merchant and mode queue here until commit, so that the rate
 * is counted over every committed message (a transaction-scoped advisory
 * lock in its own hashed space, as idempotency keys are).
 */
export async function lockMerchantSends(q: Queryable, owner: Owner): Promise<void> {
  await q.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`sms-rate:${owner.merchantId}:${owner.mode}`]);
}

type PriceRow = { mode: Mode; country: string; currency: string; price_per_segment: bigint; updated_at: Date };
const toPrice = (r: PriceRow): SmsPrice => ({
  mode: r.mode, country: r.country, currency: r.currency, pricePerSegment: BigInt(r.price_per_segment), updatedAt: r.updated_at,
});

export async function selectPrices(q: Queryable, mode: Mode): Promise<SmsPrice[]> {
  const { rows } = await q.query<PriceRow>('SELECT * FROM sms_prices WHERE mode = $1 ORDER BY country', [mode]);
  return rows.map(toPrice);
}

export async function selectPrice(q: Queryable, mode: Mode, country: string): Promise<SmsPrice | null> {
  const { rows } = await q.query<PriceRow>('SELECT * FROM sms_prices WHERE mode = $1 AND country = $2', [mode, country]);
  return rows[0] ? toPrice(rows[0]) : null;
}

/** The whole table of one mode, replaced in one statement each way. */
export async function replacePrices(
  q: Queryable, mode: Mode, prices: readonly { country: string; currency: string; pricePerSegment: bigint }[], at: Date,
): Promise<void> {
  await q.query('DELETE FROM sms_prices WHERE mode = $1', [mode]);
  if (prices.length === 0) return;
  await q.query(
    `INSERT INTO sms_prices (mode, country, currency, price_per_segment, updated_at)
     SELECT $1, country, currency, price, $5::timestamptz FROM unnest($2::text[], $3::text[], $4::bigint[]) AS p (country, currency, price)`,
    [mode, prices.map((p) => p.country), prices.map((p) => p.currency), prices.map((p) => p.pricePerSegment.toString()), at]);
}

type BlockedRow = { number: string; reason: string | null; created_at: Date };
const toBlocked = (r: BlockedRow): BlockedNumber => ({ number: r.number, reason: r.reason, createdAt: r.created_at });

export async function selectBlocked(q: Queryable, limit: number, after: string | null): Promise<BlockedNumber[]> {
  const { rows } = await q.query<BlockedRow>(
    'SELECT * FROM sms_blocked_numbers WHERE ($1::text IS NULL OR number > $1) ORDER BY number LIMIT $2', [after, limit]);
  return rows.map(toBlocked);
}

export async function isBlocked(q: Queryable, number: string): Promise<boolean> {
  const { rows } = await q.query('SELECT 1 FROM sms_blocked_numbers WHERE number = $1', [number]);
  return rows.length > 0;
}

/** Insert, or keep the existing row (blocking twice is no change); answers the row. */
export async function upsertBlocked(q: Queryable, b: { number: string; reason: string | null; at: Date }): Promise<BlockedNumber> {
  const { rows } = await q.query<BlockedRow>(
    `INSERT INTO sms_blocked_numbers (number, reason, created_at) VALUES ($1, $2, $3)
     ON CONFLICT (number) DO UPDATE SET reason = COALESCE(EXCLUDED.reason, sms_blocked_numbers.reason) RETURNING *`,
    [b.number, b.reason, b.at]);
  return toBlocked(rows[0]!);
}

export async function deleteBlocked(q: Queryable, number: string): Promise<boolean> {
  const res = await q.query('DELETE FROM sms_blocked_numbers WHERE number = $1', [number]);
  return (res.rowCount ?? 0) > 0;
}
