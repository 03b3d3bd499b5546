import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIGNATURE_POLICY_CACHE_MS } from '../../src/signatures/index.ts';
import { bearer, buildTestApp, createMerchant, type TestApp } from '../harness.ts';

/**
 * Issue 11 §5: no database read per request. The signature policy (keys and
 * setting) that every mutating request needs is cached for a second; a change
 * made through this process applies to the very next request.
 */
let t: TestApp;
let key: string;
let policyReads = 0;
beforeAll(async () => {
  t = await buildTestApp();
  key = (await createMerchant(t.app, 'Policy cache')).key;
  const db = t.db as unknown as { query: (sql: string, params?: unknown[]) => Promise<unknown> };
  const query = db.query.bind(db);
  db.query = (sql, params) => {
    if (sql.includes('LEFT JOIN signing_keys k')) policyReads++;
    return query(sql, params);
  };
});
afterAll(async () => t.close());

const mutate = () => t.app.inject({ method: 'POST', url: '/v1/simulate/wallet_deposits', headers: bearer(key), payload: { currency: 'USD', amount: 100 } });

describe('the signature policy cache', () => {
  it('reads the policy once a second per merchant and mode, on the injected clock', async () => {
    const before = policyReads;
    for (let i = 0; i < 5; i++) expect((await mutate()).statusCode).toBe(200);
    expect(policyReads - before).toBe(1);
    t.clock.advance(SIGNATURE_POLICY_CACHE_MS);
    expect((await mutate()).statusCode).toBe(200);
    expect(policyReads - before).toBe(2);
  });

  it('a key registered through this process is enforced on the very next request', async () => {
    expect((await mutate()).statusCode).toBe(200); // cached: no key
    const { publicKey } = crypto.generateKeyPairSync('ed25519');
    const reg = await t.app.inject({
      method: 'POST', url: '/v1/signing_keys', headers: bearer(key),
      payload: { algorithm: 'ed25519', public_key_pem: publicKey.export({ type: 'spki', format: 'pem' }).toString() },
    });
    expect(reg.statusCode, reg.body).toBe(201);
    const unsigned = await mutate();
    expect(unsigned.statusCode).toBe(401);
    expect(unsigned.json().error.code).toBe('invalid_signature');
  });

  it('a key registered by another process (straight in the database) is enforced once its second is up', async () => {
    const other = await createMerchant(t.app, 'Policy cache 2');
    const call = () => t.app.inject({ method: 'POST', url: '/v1/simulate/wallet_deposits', headers: bearer(other.key), payload: { currency: 'USD', amount: 100 } });
    expect((await call()).statusCode).toBe(200);
    const { publicKey } = crypto.generateKeyPairSync('ed25519');
    await t.db.query(
      `INSERT INTO signing_keys (id, merchant_id, mode, algorithm, public_key, created_at) VALUES ($1, $2, 'sandbox', 'ed25519', $3, now())`,
      ['key_01m8k6x7y9zabcdefghjkmnpqr', other.id, publicKey.export({ type: 'spki', format: 'der' }).subarray(-32)]);
    expect((await call()).statusCode).toBe(200); // still within the second
    t.clock.advance(SIGNATURE_POLICY_CACHE_MS);
    expect((await call()).statusCode).toBe(401);
  });
});
