import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, bearer, buildTestApp, createMerchant, type TestApp } from '../harness.ts';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => t.close());

describe('admin: merchants', () => {
  it('creates a merchant with a working sandbox key shown once', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/admin/v1/merchants', headers: adminHeaders, payload: { name: 'Acme' } });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.id).toMatch(/^mch_[0-9a-z]{26}$/);
    expect(body.sandbox_api_key).toMatch(/^sk_sandbox_/);
    const me = await t.app.inject({ url: '/v1/merchant', headers: bearer(body.sandbox_api_key) });
    expect(me.statusCode).toBe(200);
    // The merchant's root sandbox key can make restricted sandbox keys itself (POST /v1/api_keys); never reveal card data.
    expect(me.json()).toMatchObject({ id: body.id, name: 'Acme', mode: 'sandbox', scopes: ['read', 'write', 'keys:write'] });
    const list = await t.app.inject({ url: '/admin/v1/merchants?limit=100', headers: adminHeaders });
    expect(JSON.stringify(list.json())).not.toContain(body.sandbox_api_key);
    const keys = await t.app.inject({ url: `/admin/v1/merchants/${body.id}/keys`, headers: adminHeaders });
    expect(keys.json().data).toHaveLength(1);
    expect(JSON.stringify(keys.json())).not.toContain(body.sandbox_api_key);
  });

  it('refuses a bad name with a 400 naming the field, and writes nothing', async () => {
    const before = (await t.app.inject({ url: '/admin/v1/merchants?limit=100', headers: adminHeaders })).json().data.length;
    for (const payload of [{}, { name: '' }, { name: 'x'.repeat(201) }, { name: 'ok', extra: 1 }, { name: 5 }]) {
      const res = await t.app.inject({ method: 'POST', url: '/admin/v1/merchants', headers: adminHeaders, payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().error.param).toBe(Object.keys(payload).includes('extra') ? 'extra' : 'name');
    }
    const after = (await t.app.inject({ url: '/admin/v1/merchants?limit=100', headers: adminHeaders })).json().data.length;
    expect(after).toBe(before);
  });

  it('needs the admin token', async () => {
    for (const headers of [{}, bearer('wrong-token-wrong-token'), bearer('sk_sandbox_x')]) {
      const res = await t.app.inject({ method: 'POST', url: '/admin/v1/merchants', headers, payload: { name: 'x' } });
      expect(res.statusCode).toBe(401);
    }
    const { key } = await createMerchant(t.app);
    const res = await t.app.inject({ url: '/admin/v1/merchants', headers: bearer(key) });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('invalid_admin_token');
  });

  it('pages newest first with starting_after', async () => {
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await createMerchant(t.app, `Page ${i}`)).id);
    const first = (await t.app.inject({ url: '/admin/v1/merchants?limit=2', headers: adminHeaders })).json();
    expect(first.data.map((m: { id: string }) => m.id)).toEqual([ids[2], ids[1]]);
    expect(first.has_more).toBe(true);
    const next = (await t.app.inject({ url: `/admin/v1/merchants?limit=1&starting_after=${ids[1]}`, headers: adminHeaders })).json();
    expect(next.data[0].id).toBe(ids[0]);
    const bad = await t.app.inject({ url: '/admin/v1/merchants?limit=101', headers: adminHeaders });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.param).toBe('limit');
  });
});
