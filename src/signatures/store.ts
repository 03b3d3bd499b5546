import type { Queryable } from '../db/index.ts';
import type { Mode } from '../merchants/index.ts';

export interface Owner {
  merchantId: string;
  mode: Mode;
}

export interface SigningKey {
  id: string;
  merchantId: string;
  mode: Mode;
  algorithm: 'ed25519';
  publicKey: Buffer;
  createdAt: Date;
}

type Row = { id: string; merchant_id: string; mode: Mode; algorithm: 'ed25519'; public_key: Buffer; created_at: Date };
const toKey = (r: Row): SigningKey => ({
  id: r.id, merchantId: r.merchant_id, mode: r.mode, algorithm: r.algorithm, publicKey: r.public_key, createdAt: r.created_at,
});

export async function insertKey(q: Queryable, id: string, owner: Owner, publicKey: Buffer, at: Date): Promise<SigningKey> {
  const { rows } = await q.query<Row>(
    `INSERT INTO signing_keys (id, merchant_id, mode, algorithm, public_key, created_at) VALUES ($1, $2, $3, 'ed25519', $4, $5) RETURNING *`,
    [id, owner.merchantId, owner.mode, publicKey, at]);
  return toKey(rows[0]!);
}

export async function selectKeys(q: Queryable, owner: Owner, limit: number, before: string | null): Promise<SigningKey[]> {
  const { rows } = await q.query<Row>(
    `SELECT * FROM signing_keys WHERE merchant_id = $1 AND mode = $2 AND deleted_at IS NULL AND ($3::text IS NULL OR id < $3)
     ORDER BY id DESC LIMIT $4`, [owner.merchantId, owner.mode, before, limit]);
  return rows.map(toKey);
}

export async function selectKey(q: Queryable, owner: Owner, id: string): Promise<SigningKey | null> {
  const { rows } = await q.query<Row>(
    'SELECT * FROM signing_keys WHERE id = $1 AND merchant_id = $2 AND mode = $3 AND deleted_at IS NULL', [id, owner.merchantId, owner.mode]);
  return rows[0] ? toKey(rows[0]) : null;
}

export async function softDeleteKey(q: Queryable, owner: Owner, id: string, at: Date): Promise<SigningKey | null> {
  const { rows } = await q.query<Row>(
    `UPDATE signing_keys SET deleted_at = $4 WHERE id = $1 AND merchant_id = $2 AND mode = $3 AND deleted_at IS NULL RETURNING *`,
    [id, owner.merchantId, owner.mode, at]);
  return rows[0] ? toKey(rows[0]) : null;
}

/** The keys and the setting in one query: this runs before every mutating request. */
export async function selectPolicy(q: Queryable, owner: Owner): Promise<{ keys: { id: string; publicKey: Buffer }[]; required: boolean }> {
  const { rows } = await q.query<{ id: string | null; public_key: Buffer | null; required: boolean | null }>(
    `SELECT k.id, k.public_key, s.require_signatures AS required
       FROM (SELECT $1::text AS merchant_id, $2::text AS mode) o
       LEFT JOIN signing_keys k ON k.merchant_id = o.merchant_id AND k.mode = o.mode AND k.deleted_at IS NULL
       LEFT JOIN signature_settings s ON s.merchant_id = o.merchant_id AND s.mode = o.mode`,
    [owner.merchantId, owner.mode]);
  return {
    keys: rows.filter((r) => r.id !== null).map((r) => ({ id: r.id!, publicKey: r.public_key! })),
    required: rows[0]?.required ?? false,
  };
}

export async function upsertSetting(q: Queryable, owner: Owner, required: boolean, at: Date): Promise<void> {
  await q.query(
    `INSERT INTO signature_settings (merchant_id, mode, require_signatures, updated_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (merchant_id, mode) DO UPDATE SET require_signatures = EXCLUDED.require_signatures, updated_at = EXCLUDED.updated_at`,
    [owner.merchantId, owner.mode, required, at]);
}

/**
 * Remember a nonce until it expires. True when it is new (or its earlier use
 * has expired); false when it was seen within the window: a replay.
 */
export async function insertNonce(q: Queryable, owner: Owner, nonce: string, expiresAt: Date, now: Date): Promise<boolean> {
  const r = await q.query(
    `INSERT INTO signature_nonces (merchant_id, mode, nonce, expires_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (merchant_id, mode, nonce) DO UPDATE SET expires_at = EXCLUDED.expires_at
     WHERE signature_nonces.expires_at <= $5`,
    [owner.merchantId, owner.mode, nonce, expiresAt, now]);
  return (r.rowCount ?? 0) === 1;
}

export async function deleteExpiredNonces(q: Queryable, now: Date): Promise<number> {
  const r = await q.query('DELETE FROM signature_nonces WHERE expires_at <= $1', [now]);
  return r.rowCount ?? 0;
}
