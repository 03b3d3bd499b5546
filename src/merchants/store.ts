import type { Queryable } from '../db/index.ts';
import type { ApiKey, Merchant, Mode, Scope } from './types.ts';

type MerchantRow = {
  id: string; name: string; live_access: boolean; suspended_at: Date | null; suspension_reason: string | null;
  created_at: Date; updated_at: Date;
};
type KeyRow = {
  id: string; merchant_id: string; mode: Mode; scopes: Scope[]; name: string | null; key_prefix: string; created_at: Date;
  revoked_at: Date | null;
};

const toMerchant = (r: MerchantRow): Merchant => ({
  id: r.id, name: r.name, liveAccess: r.live_access, suspendedAt: r.suspended_at, suspensionReason: r.suspension_reason,
  createdAt: r.created_at, updatedAt: r.updated_at,
});
const toKey = (r: KeyRow): ApiKey => ({
  id: r.id, merchantId: r.merchant_id, mode: r.mode, scopes: r.scopes, name: r.name, prefix: r.key_prefix,
  createdAt: r.created_at, revokedAt: r.revoked_at,
});

export async function insertMerchant(q: Queryable, id: string, name: string, at: Date): Promise<Merchant> {
  const { rows } = await q.query<MerchantRow>(
    'INSERT INTO merchants (id, name, created_at, updated_at) VALUES ($1, $2, $3, $3) RETURNING *', [id, name, at]);
  return toMerchant(rows[0]!);
}

export async function selectMerchant(q: Queryable, id: string, forUpdate = false): Promise<Merchant | null> {
  const { rows } = await q.query<MerchantRow>(`SELECT * FROM merchants WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [id]);
  return rows[0] ? toMerchant(rows[0]) : null;
}

/** `%`, `_` and `\` stand for themselves in a LIKE pattern only when escaped. */
const likeEscape = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Newest first; `before` is the cursor (ids sort by creation time). With `search`, only the merchant whose id it is,
 * or those whose name contains it, ignoring case. A name search reads every merchant: the operator's tenants are
 * few (thousands at most), so no trigram index is kept for it.
 */
export async function selectMerchants(
  q: Queryable, limit: number, before: string | null, search: { id: string | null; name: string } | null = null,
): Promise<Merchant[]> {
  const { rows } = await q.query<MerchantRow>(
    `SELECT * FROM merchants WHERE ($1::text IS NULL OR id < $1)
       AND ($4::text IS NULL OR id = $3 OR name ILIKE '%' || $4 || '%')
     ORDER BY id DESC LIMIT $2`,
    [before, limit, search?.id ?? null, search ? likeEscape(search.name) : null]);
  return rows.map(toMerchant);
}

export async function updateLiveAccess(q: Queryable, id: string, liveAccess: boolean, at: Date): Promise<Merchant | null> {
  const { rows } = await q.query<MerchantRow>(
    'UPDATE merchants SET live_access = $2, updated_at = $3 WHERE id = $1 RETURNING *', [id, liveAccess, at]);
  return rows[0] ? toMerchant(rows[0]) : null;
}

/** Suspend (a time) or resume (null); the reason goes with a suspension only. */
export async function updateSuspension(
  q: Queryable, id: string, suspension: { at: Date; reason: string | null } | null, at: Date,
): Promise<Merchant | null> {
  const { rows } = await q.query<MerchantRow>(
    'UPDATE merchants SET suspended_at = $2, suspension_reason = $3, updated_at = $4 WHERE id = $1 RETURNING *',
    [id, suspension?.at ?? null, suspension?.reason ?? null, at]);
  return rows[0] ? toMerchant(rows[0]) : null;
}

export async function insertKey(
  q: Queryable,
  k: { id: string; merchantId: string; mode: Mode; scopes: readonly Scope[]; name: string | null; hash: Buffer; prefix: string; at: Date },
): Promise<ApiKey> {
  const { rows } = await q.query<KeyRow>(
    `INSERT INTO api_keys (id, merchant_id, mode, scopes, name, key_hash, key_prefix, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
    [k.id, k.merchantId, k.mode, k.scopes, k.name, k.hash, k.prefix, k.at]);
  return toKey(rows[0]!);
}

export async function selectKeys(q: Queryable, merchantId: string): Promise<ApiKey[]> {
  const { rows } = await q.query<KeyRow>('SELECT * FROM api_keys WHERE merchant_id = $1 ORDER BY id DESC', [merchantId]);
  return rows.map(toKey);
}

/** One mode's keys of a merchant, newest first, revoked ones included; `before` is the cursor. */
export async function selectModeKeys(q: Queryable, merchantId: string, mode: Mode, limit: number, before: string | null): Promise<ApiKey[]> {
  const { rows } = await q.query<KeyRow>(
    `SELECT * FROM api_keys WHERE merchant_id = $1 AND mode = $2 AND ($3::text IS NULL OR id < $3) ORDER BY id DESC LIMIT $4`,
    [merchantId, mode, before, limit]);
  return rows.map(toKey);
}

export async function selectKey(q: Queryable, merchantId: string, keyId: string, forUpdate = false): Promise<ApiKey | null> {
  const { rows } = await q.query<KeyRow>(
    `SELECT * FROM api_keys WHERE merchant_id = $1 AND id = $2${forUpdate ? ' FOR UPDATE' : ''}`, [merchantId, keyId]);
  return rows[0] ? toKey(rows[0]) : null;
}

export async function countActiveKeys(q: Queryable, merchantId: string, mode: Mode): Promise<number> {
  const { rows } = await q.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM api_keys WHERE merchant_id = $1 AND mode = $2 AND revoked_at IS NULL', [merchantId, mode]);
  return rows[0]!.n;
}

export async function revokeKey(q: Queryable, merchantId: string, keyId: string, at: Date): Promise<ApiKey | null> {
  const { rows } = await q.query<KeyRow>(
    `UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $3) WHERE merchant_id = $1 AND id = $2 RETURNING *`,
    [merchantId, keyId, at]);
  return rows[0] ? toKey(rows[0]) : null;
}

export type KeyWithMerchant = ApiKey & { keyHash: Buffer; liveAccess: boolean; suspended: boolean; clockOffsetMs: number };

export async function selectKeyBy(q: Queryable, by: 'hash' | 'id', value: Buffer | string): Promise<KeyWithMerchant | null> {
  const { rows } = await q.query<KeyRow & { key_hash: Buffer; live_access: boolean; suspended: boolean; sandbox_clock_offset_ms: bigint }>(
    `SELECT k.*, m.live_access, m.suspended_at IS NOT NULL AS suspended, m.sandbox_clock_offset_ms
     FROM api_keys k JOIN merchants m ON m.id = k.merchant_id
     WHERE ${by === 'hash' ? 'k.key_hash' : 'k.id'} = $1`, [value]);
  const r = rows[0];
  return r ? {
    ...toKey(r), keyHash: r.key_hash, liveAccess: r.live_access, suspended: r.suspended, clockOffsetMs: Number(r.sandbox_clock_offset_ms),
  } : null;
}
