import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT, base64url } from 'jose';
import { adminHeaders, bearer, buildTestApp, createMerchant, type TestApp } from '../harness.ts';

let t: TestApp;
let merchant: { id: string; key: string };

beforeAll(async () => {
  t = await buildTestApp();
  merchant = await createMerchant(t.app, 'Auth Co');
});
afterAll(async () => t.close());

async function newKey(body: Record<string, unknown>, merchantId = merchant.id) {
  const res = await t.app.inject({ method: 'POST', url: `/admin/v1/merchants/${merchantId}/keys`, headers: adminHeaders, payload: body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; api_key: string; mode: string; scopes: string[] };
}

const me = (headers: Record<string, string>) => t.app.inject({ url: '/v1/merchant', headers });

async function token(key: string): Promise<string> {
  const res = await t.app.inject({ method: 'POST', url: '/v1/auth/token', headers: bearer(key) });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().token;
}

describe('API key authentication: the shared security cases', () => {
  it.each([
    ['no Authorization header', {}, 'authentication_required'],
    ['a non-Bearer scheme', { authorization: 'Basic dXNlcjpwYXNz' }, 'authentication_required'],
    ['a malformed key', bearer('sk_sandbox_short'), 'invalid_api_key'],
    ['a well-formed unknown key', bearer(`sk_sandbox_${'A'.repeat(43)}`), 'invalid_api_key'],
    ['garbage', bearer('hello'), 'invalid_api_key'],
  ])('refuses %s with 401 and the error shape', async (_name, headers, code) => {
    const res = await me(headers as Record<string, string>);
    expect(res.statusCode).toBe(401);
    const body = res.json();
    expect(body.error).toMatchObject({ type: 'authentication_error', code });
    expect(body.error.request_id).toBe(res.headers['request-id']);
    expect(JSON.stringify(body)).not.toContain('AAAA');
  });

  it('accepts a valid key and reports its mode and scopes', async () => {
    const res = await me(bearer(merchant.key));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: merchant.id, mode: 'sandbox', live_access: false });
  });

  it('refuses a revoked key, and its tokens, at once', async () => {
    const k = await newKey({ mode: 'sandbox' });
    const tok = await token(k.api_key);
    expect((await me(bearer(tok))).statusCode).toBe(200);
    const del = await t.app.inject({ method: 'DELETE', url: `/admin/v1/merchants/${merchant.id}/keys/${k.id}`, headers: adminHeaders });
    expect(del.statusCode).toBe(200);
    expect(del.json().revoked_at).toBeTruthy();
    for (const credential of [k.api_key, tok]) {
      const res = await me(bearer(credential));
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('api_key_revoked');
    }
    expect((await me(bearer(merchant.key))).statusCode).toBe(200);
  });

  it('answers 404 when revoking a key of another merchant', async () => {
    const other = await createMerchant(t.app, 'Other');
    const k = await newKey({ mode: 'sandbox' }, other.id);
    const res = await t.app.inject({ method: 'DELETE', url: `/admin/v1/merchants/${merchant.id}/keys/${k.id}`, headers: adminHeaders });
    expect(res.statusCode).toBe(404);
    expect((await me(bearer(k.api_key))).statusCode).toBe(200);
  });

  it('refuses a live key until the operator grants live access', async () => {
    const k = await newKey({ mode: 'live' });
    expect(k.api_key).toMatch(/^sk_live_/);
    const before = await me(bearer(k.api_key));
    expect(before.statusCode).toBe(403);
    expect(before.json().error.code).toBe('live_access_required');
    const grant = await t.app.inject({ method: 'POST', url: `/admin/v1/merchants/${merchant.id}/live_access`, headers: adminHeaders });
    expect(grant.statusCode).toBe(200);
    expect(grant.json().live_access).toBe(true);
    const after = await me(bearer(k.api_key));
    expect(after.statusCode).toBe(200);
    expect(after.json().mode).toBe('live');
  });

  it('enforces scopes: a read-only key cannot write', async () => {
    const k = await newKey({ mode: 'sandbox', scopes: ['read'] });
    expect((await me(bearer(k.api_key))).statusCode).toBe(200);
    const res = await t.app.inject({ method: 'POST', url: '/v1/auth/token', headers: bearer(k.api_key) });
    expect(res.statusCode).toBe(200); // exchanging needs only read
    const write = await newKey({ mode: 'sandbox', scopes: ['write'] });
    const denied = await me(bearer(write.api_key));
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error.code).toBe('insufficient_scope');
  });

  it('validates key creation input', async () => {
    for (const payload of [{ mode: 'prod' }, { mode: 'live', scopes: ['admin'] }, { mode: 'live', scopes: [] }, {}]) {
      const res = await t.app.inject({ method: 'POST', url: `/admin/v1/merchants/${merchant.id}/keys`, headers: adminHeaders, payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
    }
    const res = await t.app.inject({ method: 'POST', url: '/admin/v1/merchants/mch_01m80jq3m4f25b04kxejzk5vqd/keys', headers: adminHeaders, payload: { mode: 'live' } });
    expect(res.statusCode).toBe(404);
  });
});

describe('tokens', () => {
  it('exchanges a key for a 15-minute token that works as the bearer', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/auth/token', headers: bearer(merchant.key) });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ object: 'token', token_type: 'Bearer', expires_in: 900 });
    expect(new Date(body.expires_at).getTime() - t.clock.now().getTime()).toBe(900_000);
    const ok = await me(bearer(body.token));
    expect(ok.statusCode).toBe(200);
    expect(ok.json().id).toBe(merchant.id);
  });

  it('refuses an expired token', async () => {
    const tok = await token(merchant.key);
    t.clock.advance(15 * 60 * 1000 + 1000);
    try {
      const res = await me(bearer(tok));
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('invalid_token');
      expect(res.json().error.message).toMatch(/expired/);
    } finally {
      t.clock.advance(-(15 * 60 * 1000 + 1000));
    }
  });

  it('refuses alg:none, a token signed with another secret, and a tampered payload', async () => {
    const good = await token(merchant.key);
    const [header, payload] = good.split('.');
    const none = `${base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${payload}.`;
    const forged = await new SignJWT(JSON.parse(new TextDecoder().decode(base64url.decode(payload!))))
      .setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('not-the-server-secret-not-the-server-secret'));
    const tampered = `${header}.${base64url.encode(JSON.stringify({ ...JSON.parse(new TextDecoder().decode(base64url.decode(payload!))), mid: 'mch_other' }))}.${good.split('.')[2]}`;
    for (const bad of [none, forged, tampered]) {
      const res = await me(bearer(bad));
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('invalid_token');
    }
  });

  it('does not let a token mint another token', async () => {
    const tok = await token(merchant.key);
    const res = await t.app.inject({ method: 'POST', url: '/v1/auth/token', headers: bearer(tok) });
    expect(res.statusCode).toBe(401);
  });
});

describe('admin API switch', () => {
  it('answers 404 admin_disabled when no admin token is configured', async () => {
    const off = await buildTestApp({ config: { adminToken: null } });
    try {
      const res = await off.app.inject({ url: '/admin/v1/merchants', headers: adminHeaders });
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe('admin_disabled');
    } finally {
      await off.close();
    }
  });
});

describe('audit', () => {
  it('records key changes and failed authentication in a hash chain that verifies', async () => {
    await me(bearer('sk_sandbox_nope'));
    const { verifyAuditChain } = await import('../../src/audit/index.ts');
    const report = await verifyAuditChain(t.db);
    expect(report.brokenAt).toBeNull();
    const actions = (await t.db.query<{ action: string }>('SELECT DISTINCT action FROM audit_log')).rows.map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(['merchant.create', 'api_key.create', 'api_key.revoke', 'auth.failure', 'merchant.live_access.grant']));
    await expect(t.db.query("UPDATE audit_log SET actor = 'x'")).rejects.toThrow(/append-only/);
    const rows = await t.db.query<{ details: unknown }>('SELECT details FROM audit_log');
    expect(JSON.stringify(rows.rows)).not.toMatch(/sk_(sandbox|live)_/);
  });
});
