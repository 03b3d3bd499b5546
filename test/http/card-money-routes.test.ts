import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, bearer, buildTestApp, createMerchant, type TestApp } from '../harness.ts';
import { customerWithAccount, issueCard, revealKey } from '../fixtures/flows.ts';

/** What the route conversion moved into config: sandboxOnly now refused by a hook, and the reveal still never stored. */
let t: TestApp;
let m: { id: string; key: string };
let live: string;
beforeAll(async () => {
  t = await buildTestApp();
  m = await createMerchant(t.app, 'Routes Co');
  await t.app.inject({ method: 'POST', url: `/admin/v1/merchants/${m.id}/live_access`, headers: adminHeaders });
  const res = await t.app.inject({
    method: 'POST', url: `/admin/v1/merchants/${m.id}/keys`, headers: adminHeaders, payload: { mode: 'live', scopes: ['read', 'write'] },
  });
  expect(res.statusCode, res.body).toBe(201);
  live = res.json().api_key as string;
});
afterAll(async () => t.close());

const shop = { name: 'Corner Shop', mcc: '5411', country: 'US' };
const card = 'card_01jz3q5v8kx2m4n6p8r0t2w4y6';
const auth = 'auth_01jz4e6g8j0m2p4r6t8w0y2a4c';

describe('simulation routes (config.sandboxOnly)', () => {
  const routes: [string, string, object | undefined][] = [
    ['POST', `/v1/simulate/cards/${card}/shipment`, { status: 'shipped' }],
    ['POST', '/v1/simulate/wallet_deposits', { currency: 'USD', amount: 100 }],
    ['POST', '/v1/simulate/authorizations', { card_id: card, amount: 100, currency: 'USD', merchant: shop }],
    ['POST', `/v1/simulate/authorizations/${auth}/increment`, { amount: 100 }],
    ['POST', `/v1/simulate/authorizations/${auth}/clear`, { amount: 100 }],
    ['POST', `/v1/simulate/authorizations/${auth}/reverse`, {}],
    ['POST', '/v1/simulate/force_posts', { card_id: card, amount: 100, merchant: shop }],
    ['POST', '/v1/simulate/refunds', { card_id: card, amount: 100 }],
    ['POST', '/v1/simulate/clock/advance', { seconds: 60 }],
    ['GET', '/v1/simulate/notifications', undefined],
  ];
  it.each(routes)('%s %s answers a live key 403 sandbox_only, before any lookup', async (method, url, payload) => {
    const res = await t.app.inject({ method: method as 'GET' | 'POST', url, headers: { ...bearer(live), 'idempotency-key': `k-${url}` }, payload });
    expect(res.statusCode, res.body).toBe(403);
    expect(res.json().error.code).toBe('sandbox_only');
  });

  it('still answers a malformed body 400 before sandbox_only', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/simulate/wallet_deposits', headers: bearer(live), payload: { currency: 'USD', amount: 1.5 } });
    expect(res.statusCode, res.body).toBe(400);
  });
});

describe('card reveal', () => {
  it('is never stored by the idempotency layer, even with an Idempotency-Key, and is not cached', async () => {
    const { accountId } = await customerWithAccount(t.app, m.key);
    const issued = await issueCard(t.app, m.key, accountId);
    const key = await revealKey(t.app, m.id);
    const count = async () => Number((await t.db.query<{ n: string }>('SELECT count(*) AS n FROM idempotency_keys')).rows[0]!.n);
    const before = await count();
    const headers = { ...bearer(key), 'idempotency-key': 'reveal-once' };
    const first = await t.app.inject({ url: `/v1/cards/${issued.id}/details`, headers });
    const second = await t.app.inject({ url: `/v1/cards/${issued.id}/details`, headers });
    for (const res of [first, second]) {
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['idempotent-replayed']).toBeUndefined();
    }
    expect(first.json().number).toMatch(/^[0-9]{16}$/);
    expect(await count()).toBe(before);
    const stored = await t.db.query<{ body: unknown }>('SELECT body FROM idempotency_keys');
    expect(JSON.stringify(stored.rows)).not.toContain(first.json().number);
  });
});
