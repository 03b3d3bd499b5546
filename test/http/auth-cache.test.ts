import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PRINCIPAL_CACHE_MS, PrincipalCache } from '../../src/merchants/index.ts';
import { DECISION_ENDPOINT_CACHE_MS } from '../../src/authorizations/index.ts';
import type { Queryable } from '../../src/db/index.ts';
import { validCustomer } from '../fixtures/customers.ts';
import { customerWithAccount, issueCard } from '../fixtures/flows.ts';
import { adminHeaders, bearer, buildTestApp, createMerchant, type TestApp } from '../harness.ts';

/**
 * Issue 11, item 5: an authenticated request reads no database row to find its principal. Principals are kept for
 * at most PRINCIPAL_CACHE_MS of the injected clock; this process forgets a merchant's principals as soon as a change
 * to them commits (key revoked, live access granted, sandbox clock moved). The two-process case is in
 * test/e2e/auth-cache.test.ts.
 */
let t: TestApp;
/** Key lookups (merchants/store.ts selectKeyBy) since the last reset. */
let lookups = 0;

beforeAll(async () => {
  t = await buildTestApp({ config: { webhooksAllowPrivate: true } });
  const query = t.db.query.bind(t.db);
  t.db.query = ((sql: string, params?: readonly unknown[]) => {
    if (/FROM api_keys k JOIN merchants m/.test(sql)) lookups++;
    return query(sql, params);
  }) as typeof t.db.query;
});
afterAll(async () => t.close());
beforeEach(() => {
  lookups = 0;
});

const me = (key: string) => t.app.inject({ url: '/v1/merchant', headers: bearer(key) });
const admin = (method: 'POST' | 'DELETE', url: string, payload?: object) => t.app.inject({ method, url, headers: adminHeaders, payload });

async function newKey(merchantId: string, mode: 'sandbox' | 'live' = 'sandbox') {
  const res = await admin('POST', `/admin/v1/merchants/${merchantId}/keys`, { mode });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; api_key: string };
}

async function token(key: string): Promise<string> {
  const res = await t.app.inject({ method: 'POST', url: '/v1/auth/token', headers: bearer(key) });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().token;
}

/** Status codes of `me` for each credential, and how many key lookups they took. */
async function statuses(...credentials: string[]) {
  lookups = 0;
  const codes: number[] = [];
  for (const c of credentials) codes.push((await me(c)).statusCode);
  return { codes, lookups };
}

describe('principal cache: reuse within the second, never longer', () => {
  it('an API key is looked up once, reused for just under 1 s of the clock, and looked up again at 1 s', async () => {
    const m = await createMerchant(t.app, 'Cache Co');
    t.clock.advance(PRINCIPAL_CACHE_MS); // whatever createMerchant cached has aged out
    const before = t.app.principals.stats();
    expect(await statuses(m.key, m.key, m.key)).toEqual({ codes: [200, 200, 200], lookups: 1 });
    expect(t.app.principals.stats().hits - before.hits).toBe(2);
    t.clock.advance(PRINCIPAL_CACHE_MS - 1);
    expect(await statuses(m.key)).toEqual({ codes: [200], lookups: 0 });
    t.clock.advance(1);
    expect(await statuses(m.key, m.key)).toEqual({ codes: [200, 200], lookups: 1 });
  });

  it('a token is verified and looked up once per second, and never used past its own expiry', async () => {
    const m = await createMerchant(t.app, 'Token Co');
    const tok = await token(m.key);
    expect(await statuses(tok, tok)).toEqual({ codes: [200, 200], lookups: 1 });
    // Half a second before the token expires: cached, but only until the expiry.
    t.clock.advance(15 * 60 * 1000 - 500);
    try {
      expect(await statuses(tok, tok)).toEqual({ codes: [200, 200], lookups: 1 });
      t.clock.advance(500);
      const expired = await me(tok);
      expect(expired.statusCode).toBe(401);
      expect(expired.json().error.message).toMatch(/expired/);
    } finally {
      t.clock.advance(-(15 * 60 * 1000));
    }
  });

  it('failed lookups are not cached: each one reads again', async () => {
    const unknown = `sk_sandbox_${'B'.repeat(43)}`;
    expect(await statuses(unknown, unknown, unknown)).toEqual({ codes: [401, 401, 401], lookups: 3 });
  });

  it('a key revoked by another process (straight in the database) stops working once its second is up', async () => {
    const m = await createMerchant(t.app, 'Elsewhere Co');
    const k = await newKey(m.id);
    expect(await statuses(k.api_key)).toEqual({ codes: [200], lookups: 1 });
    await t.db.query('UPDATE api_keys SET revoked_at = now() WHERE id = $1', [k.id]);
    t.clock.advance(PRINCIPAL_CACHE_MS - 1);
    expect(await statuses(k.api_key)).toEqual({ codes: [200], lookups: 0 });
    t.clock.advance(1);
    const res = await me(k.api_key);
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('api_key_revoked');
  });

  it('is bounded: past its size the oldest entry goes first', async () => {
    const m = await createMerchant(t.app, 'Bounded Co');
    const [a, b, c] = [await newKey(m.id), await newKey(m.id), await newKey(m.id)];
    const cache = new PrincipalCache(t.db, t.clock, t.keys.derive('jwt-signing-v1'), { max: 2 });
    for (const k of [a, b, c]) await cache.apiKey(k.api_key);
    expect(cache.stats()).toMatchObject({ size: 2, misses: 3, hits: 0 });
    await cache.apiKey(c.api_key);
    await cache.apiKey(b.api_key);
    expect(cache.stats()).toMatchObject({ misses: 3, hits: 2 });
    await cache.apiKey(a.api_key);
    expect(cache.stats()).toMatchObject({ size: 2, misses: 4 });
  });

  it('a lookup that overlaps a forget() answers its request but is not kept (it may have read the old row)', async () => {
    const m = await createMerchant(t.app, 'Race Co');
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow: Queryable = {
      query: async (sql, params) => {
        await gate;
        return t.db.query(sql, params);
      },
    };
    const cache = new PrincipalCache(slow, t.clock, t.keys.derive('jwt-signing-v1'));
    const reading = cache.apiKey(m.key);
    cache.forget(m.id); // a change commits while the row is being read
    release();
    expect((await reading).merchantId).toBe(m.id);
    expect(cache.stats()).toMatchObject({ size: 0, misses: 1 });
    await cache.apiKey(m.key);
    expect(cache.stats()).toMatchObject({ size: 1, misses: 2 });
  });
});

describe('principal cache: changes in this process are seen by the very next request', () => {
  it('revoking a key stops it and its tokens at once, and leaves other merchants cached', async () => {
    const m = await createMerchant(t.app, 'Revoke Co');
    const other = await createMerchant(t.app, 'Bystander Co');
    const k = await newKey(m.id);
    const tok = await token(k.api_key);
    await statuses(k.api_key, tok, m.key, other.key);
    expect(await statuses(k.api_key, tok, m.key, other.key)).toEqual({ codes: [200, 200, 200, 200], lookups: 0 });
    expect((await admin('DELETE', `/admin/v1/merchants/${m.id}/keys/${k.id}`)).statusCode).toBe(200);
    for (const c of [k.api_key, tok]) {
      const res = await me(c);
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('api_key_revoked');
    }
    // The merchant's other key is read again (its principals were forgotten); the bystander's is not.
    expect(await statuses(m.key, other.key)).toEqual({ codes: [200, 200], lookups: 1 });
  });

  it('granting live access forgets the merchant\'s principals, and its live key works on the next request', async () => {
    const m = await createMerchant(t.app, 'Live Co');
    const live = await newKey(m.id, 'live');
    await statuses(m.key);
    expect(await statuses(m.key, live.api_key)).toEqual({ codes: [200, 403], lookups: 1 });
    expect((await admin('POST', `/admin/v1/merchants/${m.id}/live_access`)).statusCode).toBe(200);
    expect(await statuses(m.key, live.api_key)).toEqual({ codes: [200, 200], lookups: 2 });
  });

  it('advancing the sandbox clock is seen by the next request (the principal carries the offset)', async () => {
    const m = await createMerchant(t.app, 'Clock Co');
    const createdAt = async () => {
      const res = await t.app.inject({ method: 'POST', url: '/v1/customers', headers: bearer(m.key), payload: validCustomer() });
      expect(res.statusCode, res.body).toBe(201);
      return new Date(res.json().created_at).getTime();
    };
    expect(await createdAt()).toBe(t.clock.now().getTime());
    const advanced = await t.app.inject({ method: 'POST', url: '/v1/simulate/clock/advance', headers: bearer(m.key), payload: { seconds: 3600 } });
    expect(advanced.statusCode, advanced.body).toBe(200);
    expect(await createdAt()).toBe(t.clock.now().getTime() + 3600_000);
  });
});

describe('decision endpoint cache', () => {
  it('a new or removed endpoint is used by the next authorization; a change elsewhere within 1 s of the clock', async () => {
    const calls = { a: 0, b: 0 };
    const servers = (['a', 'b'] as const).map((name) => http.createServer((req, res) => {
      calls[name]++;
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"approved": true}'));
    }));
    for (const s of servers) await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    try {
      const m = await createMerchant(t.app, 'Endpoint Co');
      const urlOf = (i: number) => `http://127.0.0.1:${(servers[i]!.address() as AddressInfo).port}/decide`;
      const put = async (url: string) => {
        const res = await t.app.inject({ method: 'PUT', url: '/v1/authorization_endpoint', headers: bearer(m.key), payload: { url, fallback: 'decline' } });
        expect(res.statusCode, res.body).toBe(200);
      };
      const { accountId } = await customerWithAccount(t.app, m.key);
      const card = await issueCard(t.app, m.key, accountId);
      for (const [url, payload] of [['/v1/simulate/wallet_deposits', { currency: 'USD', amount: 10_000 }], [`/v1/cards/${card.id}/fund`, { amount: 10_000 }]] as const) {
        expect((await t.app.inject({ method: 'POST', url, headers: bearer(m.key), payload })).statusCode).toBe(200);
      }
      const authorize = async () => {
        const res = await t.app.inject({
          method: 'POST', url: '/v1/simulate/authorizations', headers: bearer(m.key),
          payload: { card_id: card.id, amount: 100, currency: 'USD', merchant: { name: 'Shop', mcc: '5411', country: 'US' } },
        });
        expect(res.statusCode, res.body).toBe(200);
        return res.json().decision_source as string;
      };

      await put(urlOf(0));
      expect([await authorize(), await authorize()]).toEqual(['merchant', 'merchant']);
      await put(urlOf(1));
      expect(await authorize()).toBe('merchant');
      expect(calls).toEqual({ a: 2, b: 1 });
      const removed = await t.app.inject({ method: 'DELETE', url: '/v1/authorization_endpoint', headers: bearer(m.key) });
      expect(removed.json()).toMatchObject({ deleted: true });
      expect(await authorize()).toBe('tessera');

      // Set through another process (straight in the database): seen once the cached answer is 1 s old.
      await put(urlOf(0));
      expect(await authorize()).toBe('merchant');
      await t.db.query('DELETE FROM authorization_endpoints WHERE merchant_id = $1', [m.id]);
      t.clock.advance(DECISION_ENDPOINT_CACHE_MS - 1);
      expect(await authorize()).toBe('merchant');
      t.clock.advance(1);
      expect(await authorize()).toBe('tessera');
      expect(calls).toEqual({ a: 4, b: 1 });
    } finally {
      for (const s of servers) s.close();
    }
  });
});
