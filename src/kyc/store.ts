import type { Queryable } from '../db/index.ts';
import type { ImageType } from './images.ts';
import type { Mode } from '../merchants/index.ts';
import type { DocumentSide, IdentificationType, KycQueueEntry, KycRecord, KycDecisionStatus } from './types.ts';

type Row = {
  customer_id: string; identification_type: IdentificationType; identification_number_last4: string;
  identification_expiry_date: string; status: KycDecisionStatus; reason: string | null; submitted_at: Date;
  decided_at: Date | null; decided_by: string | null;
};

const toRecord = (r: Row): KycRecord => ({
  customerId: r.customer_id, identificationType: r.identification_type, identificationLast4: r.identification_number_last4,
  identificationExpiryDate: r.identification_expiry_date, status: r.status, reason: r.reason, submittedAt: r.submitted_at,
  decidedAt: r.decided_at, decidedBy: r.decided_by,
});

const SELECT = `SELECT customer_id, identification_type, identification_number_last4, identification_expiry_date, status, reason,
  submitted_at, decided_at, decided_by FROM kyc_submissions`;

export async function upsertSubmission(
  q: Queryable, s: { customerId: string; type: IdentificationType; sealedNumber: Buffer; last4: string; expiry: string; at: Date },
): Promise<KycRecord> {
  await q.query('DELETE FROM kyc_documents WHERE customer_id = $1', [s.customerId]);
  const { rows } = await q.query<Row>(
    `INSERT INTO kyc_submissions (customer_id, identification_type, identification_number, identification_number_last4,
       identification_expiry_date, status, reason, submitted_at, decided_at, decided_by)
     VALUES ($1, $2, $3, $4, $5, 'WAITING_KYC', NULL, $6, NULL, NULL)
     ON CONFLICT (customer_id) DO UPDATE SET identification_type = $2, identification_number = $3,
       identification_number_last4 = $4, identification_expiry_date = $5, status = 'WAITING_KYC', reason = NULL,
       submitted_at = $6, decided_at = NULL, decided_by = NULL
     RETURNING customer_id, identification_type, identification_number_last4, identification_expiry_date, status, reason,
       submitted_at, decided_at, decided_by`,
    [s.customerId, s.type, s.sealedNumber, s.last4, s.expiry, s.at]);
  return toRecord(rows[0]!);
}

export async function insertDocument(q: Queryable, customerId: string, side: DocumentSide, type: ImageType, size: number, sealed: Buffer) {
  await q.query('INSERT INTO kyc_documents (customer_id, side, content_type, size_bytes, sealed) VALUES ($1, $2, $3, $4, $5)',
    [customerId, side, type, size, sealed]);
}

export async function selectSubmission(q: Queryable, customerId: string): Promise<KycRecord | null> {
  const { rows } = await q.query<Row>(`${SELECT} WHERE customer_id = $1`, [customerId]);
  return rows[0] ? toRecord(rows[0]) : null;
}

export async function selectDocument(q: Queryable, customerId: string, side: DocumentSide) {
  const { rows } = await q.query<{ content_type: ImageType; sealed: Buffer }>(
    'SELECT content_type, sealed FROM kyc_documents WHERE customer_id = $1 AND side = $2', [customerId, side]);
  return rows[0] ?? null;
}

export async function decide(q: Queryable, customerId: string, status: KycDecisionStatus, reason: string | null, by: string, at: Date) {
  const { rows } = await q.query<Row>(
    `UPDATE kyc_submissions SET status = $2, reason = $3, decided_by = $4, decided_at = $5 WHERE customer_id = $1
     RETURNING customer_id, identification_type, identification_number_last4, identification_expiry_date, status, reason,
       submitted_at, decided_at, decided_by`, [customerId, status, reason, by, at]);
  return toRecord(rows[0]!);
}

type QueueRow = Row & { merchant_id: string; mode: Mode; first_name: string; last_name: string; email: string };
const QUEUE_SELECT = `SELECT k.customer_id, k.identification_type, k.identification_number_last4, k.identification_expiry_date, k.status,
       k.reason, k.submitted_at, k.decided_at, k.decided_by, c.merchant_id, c.mode, c.first_name, c.last_name, c.email
     FROM kyc_submissions k JOIN customers c ON c.id = k.customer_id`;
const toQueueEntry = (r: QueueRow): KycQueueEntry =>
  ({ ...toRecord(r), merchantId: r.merchant_id, mode: r.mode, name: `${r.first_name} ${r.last_name}`, email: r.email });

export async function selectQueue(q: Queryable, status: KycDecisionStatus, limit: number, after: string | null): Promise<KycQueueEntry[]> {
  const { rows } = await q.query<QueueRow>(
    `${QUEUE_SELECT} WHERE k.status = $1 AND ($2::text IS NULL OR k.customer_id > $2) ORDER BY k.customer_id LIMIT $3`, [status, after, limit]);
  return rows.map(toQueueEntry);
}

export async function selectQueueEntry(q: Queryable, customerId: string): Promise<KycQueueEntry | null> {
  const { rows } = await q.query<QueueRow>(`${QUEUE_SELECT} WHERE k.customer_id = $1`, [customerId]);
  return rows[0] ? toQueueEntry(rows[0]) : null;
}
