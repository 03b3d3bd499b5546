import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, buildTestApp, type TestApp } from '../harness.ts';

/**
 * The dashboard's request handling under hostile input, through inject() (the browser tests cover the pages):
 * found by an attacker's review of the first version, each a 500 or a call to another endpoint before the fix.
 */

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => t.close());

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

async function operatorSession(): Promise<string> {
  const page = await t.app.inject({ url: '/dashboard/signin' });
  const signin = /tessera_signin=([^;]+)/.exec(String(page.headers['set-cookie']))![1]!;
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
  const res = await t.app.inject({
    method: 'POST', url: '/dashboard/signin', headers: { cookie: `tessera_signin=${signin}`, 'content-type': 'application/x-www-form-urlencoded' },
    payload: form({ _csrf: csrf, kind: 'operator', credential: ADMIN_TOKEN }),
  });
  expect(res.statusCode, res.body).toBe(303);
  return /tessera_session=([^;]+)/.exec(String(res.headers['set-cookie']))![1]!;
}

describe('the dashboard under hostile input', () => {
  it('treats a malformed cookie as no cookie, not as a server error', async () => {
    const res = await t.app.inject({ url: '/dashboard', headers: { cookie: 'tessera_session=%E0%A4%A' } });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/dashboard/signin');
  });

  it('refuses a sign-in token of the right length in other characters with 403, not 500', async () => {
    const page = await t.app.inject({ url: '/dashboard/signin' });
    const signin = /tessera_signin=([^;]+)/.exec(String(page.headers['set-cookie']))![1]!;
    const res = await t.app.inject({
      method: 'POST', url: '/dashboard/signin', headers: { cookie: `tessera_signin=${signin}`, 'content-type': 'application/x-www-form-urlencoded' },
      payload: form({ _csrf: 'é'.repeat(signin.length), kind: 'operator', credential: ADMIN_TOKEN }),
    });
    expect(res.statusCode).toBe(403);
  });

  it('never lets an id made of dots turn a page into a call to another endpoint', async () => {
    const session = await operatorSession();
    for (const id of ['%2E%2E', '%2e%2E', '.%2E']) {
      const res = await t.app.inject({ url: `/dashboard/merchants/${id}`, headers: { cookie: `tessera_session=${session}` } });
      expect([404, 303], `${id}: ${res.statusCode}`).toContain(res.statusCode);
      expect(res.body).not.toContain('Fee schedule');
    }
    const real = await t.app.inject({ url: '/dashboard/merchants', headers: { cookie: `tessera_session=${session}` } });
    expect(real.statusCode).toBe(200);
  });
});
