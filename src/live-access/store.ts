import type { Queryable, Tx } from '../db/index.ts';
import type { LiveAccessFilter, LiveAccessInput, LiveAccessRequest, LiveAccessStatus } from './types.ts';

type Row = {
  id: string; merchant_id: string; business_name: string; website: string; country: string; use_case: string;
  status: LiveAccessStatus; rejection_reason: string | null; reviewed_at: Date | null; created_at: Date; updated_at: Date;
};

const toRequest = (r: Row): LiveAccessRequest => ({
  id: r.id, merchantId: r.merchant_id, businessName: r.business_name, website: r.website, country: r.country, useCase: r.use_case,
  status: r.status, rejectionReason: r.rejection_reason, reviewedAt: r.reviewed_at, createdAt: r.created_at, updatedAt: r.updated_at,
});

/** Null when the merchant already has a PENDING request (the partial unique index answers, not a prior read). */
export async function insertRequest(tx: Tx, id: string, merchantId: string, input: LiveAccessInput, at: Date): Promise<LiveAccessRequest | null> {
  const { rows } = await tx.query<Row>(
    `INSERT INTO live_access_requests (id, merchant_id, business_name, website, country, use_case, status, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, 'PENDING', $7, $7)
     ON CONFLICT (merchant_id) WHERE status = 'PENDING' DO NOTHING RETURNING *`,
    [id, merchantId, input.businessName, input.website, input.country, input.useCase, at]);
  return rows[0] ? toRequest(rows[0]) : null;
}

export async function selectRequest(q: Queryable, id: string, merchantId: string | null, forUpdate = false): Promise<LiveAccessRequest | null> {
  const { rows } = await q.query<Row>(
    `SELECT * FROM live_access_requests WHERE id = $1 AND ($2::text IS NULL OR merchant_id = $2)${forUpdate ? ' FOR UPDATE' : ''}`,
    [id, merchantId]);
  return rows[0] ? toRequest(rows[0]) : null;
}

export async function selectPending(q: Queryable, merchantId: string): Promise<LiveAccessRequest | null> {
  const { rows } = await q.query<Row>("SELECT * FROM live_access_requests WHERE merchant_id = $1 AND status = 'PENDING'", [merchantId]);
  return rows[0] ? toRequest(rows[0]) : null;
}

/** Newest first; `before` is the cursor (ids sort by creation time). */
export async function selectRequests(q: Queryable, filter: LiveAccessFilter, limit: number, before: string | null): Promise<LiveAccessRequest[]> {
  const { rows } = await q.query<Row>(
    `SELECT * FROM live_access_requests
     WHERE ($1::text IS NULL OR merchant_id = $1) AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR id < $3)
     ORDER BY id DESC LIMIT $4`,
    [filter.merchantId ?? null, filter.status ?? null, before, limit]);
  return rows.map(toRequest);
}

export async function updateDecision(
  tx: Tx, id: string, status: 'APPROVED' | 'REJECTED', reason: string | null, at: Date,
): Promise<LiveAccessRequest> {
  const { rows } = await tx.query<Row>(
    `UPDATE live_access_requests SET status = $2, rejection_reason = $3, reviewed_at = $4, updated_at = $4
     WHERE id = $1 AND status = 'PENDING' RETURNING *`, [id, status, reason, at]);
  return toRequest(rows[0]!);
}
