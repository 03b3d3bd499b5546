import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, bearer, buildTestApp, createMerchant, type TestApp } from '../harness.ts';

let t: TestApp;
let key: string;
beforeAll(async () => {
  t = await buildTestApp({
    extend(app) {
      app.get('/v1/test/boom', async () => {
        throw new Error('SELECT * FROM secrets WHERE pan = 4111111111111111');
      });
    },
  });
  key = (await createMerchant(t.app)).key;
});
afterAll(async () => t.close());

function expectErrorShape(body: { error: Record<string, unknown> }, code: string) {
  expect(Object.keys(body)).toEqual(['error']);
  expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'request_id', 'type']);
  expect(body.error.code).toBe(code);
}

describe('one error shape for every failure', () => {
  it('unknown route → 404 route_not_found', async () => {
    const res = await t.app.inject({ url: '/v1/nothing-here', headers: bearer(key) });
    expect(res.statusCode).toBe(404);
    expectErrorShape(res.json(), 'route_not_found');
  });

  it('wrong content type → 415', async () => {
    const res = await t.app.inject({
      method: 'POST', url: '/admin/v1/merchants', headers: { ...adminHeaders, 'content-type': 'text/plain' }, payload: 'name=x',
    });
    expect(res.statusCode).toBe(415);
    expectErrorShape(res.json(), 'unsupported_media_type');
  });

  it('body over 1 MiB → 413', async () => {
    const res = await t.app.inject({
      method: 'POST', url: '/admin/v1/merchants', headers: { ...adminHeaders, 'content-type': 'application/json' },
      payload: JSON.stringify({ name: 'x'.repeat(1024 * 1024 + 10) }),
    });
    expect(res.statusCode).toBe(413);
    expectErrorShape(res.json(), 'body_too_large');
  });

  it('truncated JSON → 400', async () => {
    const res = await t.app.inject({
      method: 'POST', url: '/admin/v1/merchants', headers: { ...adminHeaders, 'content-type': 'application/json' }, payload: '{"name": "x',
    });
    expect(res.statusCode).toBe(400);
    expectErrorShape(res.json(), 'invalid_request');
  });

  it('__proto__ keys → 400, and no prototype is polluted', async () => {
    const res = await t.app.inject({
      method: 'POST', url: '/admin/v1/merchants', headers: { ...adminHeaders, 'content-type': 'application/json' },
      payload: '{"name": "x", "__proto__": {"polluted": true}}',
    });
    expect(res.statusCode).toBe(400);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('validation → 400 naming the field', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/admin/v1/merchants', headers: adminHeaders, payload: { name: 42 } });
    expect(res.statusCode).toBe(400);
    expectErrorShape(res.json(), 'parameter_invalid');
    expect(res.json().error.param).toBe('name');
    const missing = await t.app.inject({ method: 'POST', url: '/admin/v1/merchants', headers: adminHeaders, payload: {} });
    expect(missing.json().error).toMatchObject({ code: 'parameter_missing', param: 'name' });
  });

  it('an unexpected error → 500 with no stack, SQL or card number', async () => {
    const res = await t.app.inject({ url: '/v1/test/boom', headers: bearer(key) });
    expect(res.statusCode).toBe(500);
    expectErrorShape(res.json(), 'internal_error');
    expect(res.body).not.toMatch(/SELECT|4111|at .*\.ts/);
  });
});

describe('rate limits', () => {
  it('answers 429 with Retry-After per key, and other keys are unaffected', async () => {
    const limited = await buildTestApp({ config: { rateLimitMax: 3, rateLimitWindowMs: 60_000 } });
    try {
      const a = await createMerchant(limited.app, 'A');
      const b = await createMerchant(limited.app, 'B');
      const codes = [];
      for (let i = 0; i < 4; i++) codes.push((await limited.app.inject({ url: '/v1/merchant', headers: bearer(a.key) })).statusCode);
      expect(codes).toEqual([200, 200, 200, 429]);
      const res = await limited.app.inject({ url: '/v1/merchant', headers: bearer(a.key) });
      expectErrorShape(res.json(), 'rate_limited');
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      expect((await limited.app.inject({ url: '/v1/merchant', headers: bearer(b.key) })).statusCode).toBe(200);
    } finally {
      await limited.close();
    }
  });
});

describe('hostile strings', () => {
  it('refuses NUL characters with a 400 naming the field', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/admin/v1/merchants', headers: adminHeaders, payload: { name: 'a\u0000b' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.param).toBe('name');
  });

  it('stores SQL metacharacters and bidi overrides literally', async () => {
    const name = "Robert'); DROP TABLE merchants;-- \u202e";
    const res = await t.app.inject({ method: 'POST', url: '/admin/v1/merchants', headers: adminHeaders, payload: { name } });
    expect(res.statusCode).toBe(201);
    const got = await t.app.inject({ url: `/admin/v1/merchants/${res.json().id}`, headers: adminHeaders });
    expect(got.json().name).toBe(name);
  });
});
