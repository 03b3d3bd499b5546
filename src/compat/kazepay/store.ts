import type { Queryable, Tx } from '../../db/index.ts';
import type { Owner } from '../../customers/index.ts';
import type { Envelope, ResponseHead } from './envelope.ts';

/** The SQL of the KazePay gateway: its keys and the requestNo register (migrations/0009_kazepay.sql). */

export interface Gateway {
  sysId: string;
  merchantId: string;
  mode: Owner['mode'];
  merchantPublicKeyPem: string;
  gatewayPublicKeyPem: string;
  gatewayPrivateKeySealed: Buffer;
  apiKeyId: string;
  createdAt: Date;
  updatedAt: Date;
}

type Row = {
  sys_id: string; merchant_id: string; mode: Owner['mode']; merchant_public_key_pem: string; gateway_public_key_pem: string;
  gateway_private_key_sealed: Buffer; api_key_id: string; created_at: Date; updated_at: Date;
};

const toGateway = (r: Row): Gateway => ({
  sysId: r.sys_id, merchantId: r.merchant_id, mode: r.mode, merchantPublicKeyPem: r.merchant_public_key_pem,
  gatewayPublicKeyPem: r.gateway_public_key_pem, gatewayPrivateKeySealed: r.gateway_private_key_sealed, apiKeyId: r.api_key_id,
  createdAt: r.created_at, updatedAt: r.updated_at,
});

export async function selectGateway(q: Queryable, sysId: string): Promise<Gateway | null> {
  const { rows } = await q.query<Row>('SELECT * FROM kazepay_gateways WHERE sys_id = $1', [sysId]);
  return rows[0] ? toGateway(rows[0]) : null;
}

export async function selectGatewayOf(q: Queryable, owner: Owner): Promise<Gateway | null> {
  const { rows } = await q.query<Row>('SELECT * FROM kazepay_gateways WHERE merchant_id = $1 AND mode = $2', [owner.merchantId, owner.mode]);
  return rows[0] ? toGateway(rows[0]) : null;
}

/**
 * Insert the gateway, or (one already exists for this merchant and mode)
 * replace only the merchant's key: Tessera's key and the sysId stay, so a
 * racing first registration keeps whichever pair committed first.
 */
export async function upsertGateway(tx: Tx, g: Omit<Gateway, 'createdAt' | 'updatedAt'>, at: Date): Promise<Gateway> {
  const { rows } = await tx.query<Row>(
    `INSERT INTO kazepay_gateways (sys_id, merchant_id, mode, merchant_public_key_pem, gateway_public_key_pem, gateway_private_key_sealed, api_key_id, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
     ON CONFLICT (merchant_id, mode) DO UPDATE
       SET merchant_public_key_pem = EXCLUDED.merchant_public_key_pem, api_key_id = EXCLUDED.api_key_id, updated_at = EXCLUDED.updated_at
     RETURNING *`,
    [g.sysId, g.merchantId, g.mode, g.merchantPublicKeyPem, g.gatewayPublicKeyPem, g.gatewayPrivateKeySealed, g.apiKeyId, at]);
  return toGateway(rows[0]!);
}

export interface StoredRequest {
  fingerprint: Buffer;
  response: Envelope<ResponseHead> | null;
  createdAt: Date;
}

export async function selectRequest(q: Queryable, sysId: string, requestNo: string): Promise<StoredRequest | null> {
  const { rows } = await q.query<{ fingerprint: Buffer; response: Envelope<ResponseHead> | null; created_at: Date }>(
    'SELECT fingerprint, response, created_at FROM kazepay_requests WHERE sys_id = $1 AND request_no = $2', [sysId, requestNo]);
  const r = rows[0];
  return r ? { fingerprint: r.fingerprint, response: r.response, createdAt: r.created_at } : null;
}

export async function insertRequest(
  tx: Tx, r: { sysId: string; requestNo: string; apiCode: string; fingerprint: Buffer; response: Envelope<ResponseHead> }, at: Date,
): Promise<void> {
  await tx.query(
    `INSERT INTO kazepay_requests (sys_id, request_no, api_code, fingerprint, response, created_at) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT DO NOTHING`,
    [r.sysId, r.requestNo, r.apiCode, r.fingerprint, JSON.stringify(r.response), at]);
}

/** Clear up to `limit` stored responses older than `before` (the requestNos themselves stay). */
export async function pruneResponses(tx: Tx, sysId: string, before: Date, limit: number): Promise<void> {
  await tx.query(
    `UPDATE kazepay_requests SET response = NULL WHERE sys_id = $1 AND request_no IN (
       SELECT request_no FROM kazepay_requests WHERE sys_id = $1 AND response IS NOT NULL AND created_at < $2 LIMIT $3)`,
    [sysId, before, limit]);
}
