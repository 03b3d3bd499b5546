/**
 * The bad-input suite: hostile input thrown at the running app. Each case
 * asserts the documented answer, and every case asserts that nothing changed
 * (a digest of every table's rows and of the balances, before = after), that
 * no answer is a 500, and that no answer leaks a stack trace or SQL.
 */
import crypto from 'node:crypto';
import { Writable } from 'node:stream';
import pino from 'pino';
import { SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { bearer, buildTestApp, createMerchant, type TestApp } from '../harness.ts';
import { ManualClock } from '../../src/lib/clock.ts';
import { loggerOptions } from '../../src/http/logger.ts';
import { customerWithAccount, issueCard } from '../fixtures/flows.ts';
import { validCustomer } from '../fixtures/customers.ts';
import { signTesseraRequest } from '../fixtures/sign-request.ts';

const logLines: string[] = [];
const sink = new Writable({
  write(chunk, _enc, cb) {
    logLines.push(String(chunk));
    cb();
  },
});

let t: TestApp;
let m: { id: string; key: string };
let other: { id: string; key: string };
let mine: { customerId: string; accountId: string; cardId: string };
let theirs: { customerId: string; accountId: string; cardId: string };
const responses: LightMyRequestResponse[] = [];

/** Every request of the suite goes through here, so every answer is checked for 500s and leaks. */
async function hit(options: InjectOptions): Promise<LightMyRequestResponse> {
  const res = await t.app.inject(options);
  responses.push(res);
  return res;
}
const send = (method: InjectOptions['method'], url: string, payload?: unknown, headers: Record<string, string> = {}, key = m.key) =>
  hit({ method, url, headers: { ...bearer(key), ...headers }, ...(payload === undefined ? {} : { payload: payload as string }) });
const raw = (method: InjectOptions['method'], url: string, body: string | Buffer, contentType = 'application/json', key = m.key) =>
  hit({ method, url, headers: { ...bearer(key), 'content-type': contentType }, payload: body });

async function setup(key: string) {
  const { customerId, accountId } = await customerWithAccount(t.app, key);
  const card = await issueCard(t.app, key, accountId);
  const ok = (r: LightMyRequestResponse) => expect(r.statusCode, r.body).toBeLessThan(300);
  ok(await t.app.inject({ method: 'POST', url: '/v1/simulate/wallet_deposits', headers: bearer(key), payload: { currency: 'USD', amount: 100_000 } }));
  ok(await t.app.inject({ method: 'POST', url: `/v1/cards/${card.id}/fund`, headers: bearer(key), payload: { amount: 25_000 } }));
  return { customerId, accountId, cardId: card.id };
}

/** Tables that legitimately change on refused requests: failed authentication is audited; idempotency and nonce stores. */
const VOLATILE = new Set(['audit_log', 'idempotency_keys', 'signature_nonces', 'schema_migrations']);

/** A digest of every row of every table (counts, contents, ledger balances), plus the balances as the API shows them. */
async function snapshot(): Promise<Record<string, string>> {
  const tables = (await t.db.query<{ name: string }>(
    "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1"))
    .rows.map((r) => r.name).filter((name) => !VOLATILE.has(name));
  // One round trip for every table: this runs twice per test.
  const { rows } = await t.db.query<{ name: string; n: number; h: string | null }>(tables.map((name) =>
    `SELECT '${name}' AS name, count(*)::int AS n, md5(string_agg(x::text, '|' ORDER BY x::text)) AS h FROM "${name}" x`).join(' UNION ALL '));
  const out: Record<string, string> = {};
  for (const r of rows) out[r.name] = `${r.n}:${r.h ?? ''}`;
  for (const [who, key, card] of [['mine', m.key, mine.cardId], ['theirs', other.key, theirs.cardId]] as const) {
    out[`${who}.card`] = (await t.app.inject({ url: `/v1/cards/${card}/balance`, headers: bearer(key) })).body;
    out[`${who}.wallets`] = (await t.app.inject({ url: '/v1/wallets', headers: bearer(key) })).body;
  }
  return out;
}

let before: Record<string, string>;

beforeAll(async () => {
  t = await buildTestApp({ clock: new ManualClock(Date.now()), logger: pino(loggerOptions('info'), sink) as never });
  m = await createMerchant(t.app, 'Target Co');
  other = await createMerchant(t.app, 'Other Co');
  mine = await setup(m.key);
  theirs = await setup(other.key);
});
afterAll(async () => t.close());
beforeEach(async () => {
  before = await snapshot();
});
afterEach(async () => {
  expect(await snapshot()).toEqual(before);
});

const res2str = (res: LightMyRequestResponse) => res.body;

function expectError(res: LightMyRequestResponse, status: number, code?: string, param?: string | null) {
  expect(res.statusCode, res.body).toBe(status);
  const e = res.json().error;
  if (code) expect(e.code).toBe(code);
  if (param !== undefined) expect(e.param).toBe(param);
}

describe('malformed bodies', () => {
  it('truncated JSON → 400', async () => {
    expectError(await raw('POST', '/v1/customers', '{"first_name": "Ada", "last_na'), 400, 'invalid_request');
  });

  it.each(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml'])('Content-Type %s → 415', async (type) => {
    expectError(await raw('POST', '/v1/customers', JSON.stringify(validCustomer()), type), 415, 'unsupported_media_type');
  });

  it('a 50 MiB body → 413, refused on its Content-Length before any parsing', async () => {
    // 50 MiB of spaces is not JSON: had it been parsed, the answer would be a 400.
    const res = await raw('POST', '/v1/customers', Buffer.alloc(50 * 1024 * 1024, 0x20));
    expectError(res, 413, 'body_too_large');
  });

  it.each([
    ['arrays', (n: number) => '['.repeat(n) + ']'.repeat(n)],
    ['objects', (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n)],
  ])('deeply nested %s → 400', async (_kind, make) => {
    for (const depth of [1_000, 150_000]) {
      const res = await raw('POST', '/v1/customers', make(depth));
      expect(res.statusCode, `depth ${depth}: ${res.body}`).toBe(400);
    }
  });

  it('duplicate keys → 400 (no parser may see another value than we do)', async () => {
    const body = `{"currency": "USD", "currency": "EUR"}`;
    expectError(await raw('POST', `/v1/customers/${mine.customerId}/accounts`, body), 400, 'invalid_request');
    const nested = JSON.stringify(validCustomer()).replace('"city":"Paris"', '"city":"Paris","city":"Lyon"');
    expectError(await raw('POST', '/v1/customers', nested), 400, 'invalid_request');
  });

  it('bytes that are not UTF-8 → 400', async () => {
    const body = Buffer.concat([Buffer.from('{"description": "'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('", "url": "https://93.184.215.14/h", "events": ["*"]}')]);
    expectError(await raw('POST', '/v1/webhook_endpoints', body), 400, 'invalid_request');
  });
});

describe('amounts on native routes', () => {
  // Every amount-taking native route; add new money routes here.
  const routes = () => [
    ['POST', `/v1/cards/${mine.cardId}/fund`, {}],
    ['POST', `/v1/cards/${mine.cardId}/withdraw`, {}],
    ['POST', `/v1/cards/${mine.cardId}/reservations`, {}],
    ['POST', `/v1/cards/${mine.cardId}/reservations/estimate`, {}],
    ['POST', '/v1/simulate/wallet_deposits', { currency: 'USD' }],
    ['POST', '/v1/simulate/authorizations', { card_id: mine.cardId, currency: 'USD', merchant: { name: 'Shop', mcc: '5411', country: 'US' } }],
    ['POST', '/v1/simulate/force_posts', { card_id: mine.cardId, merchant: { name: 'Shop', mcc: '5411', country: 'US' } }],
  ] as const;
  const amounts: [string, string][] = [
    ['negative', '-100'], ['zero', '0'], ['1e309 (infinity)', '1e309'], ['fractional', '10.5'], ['a string', '"100"'],
    ['above 2^53', '9007199254740993'], ['above the maximum', '1000000000001'], ['null', 'null'], ['an object', '{"value": 1}'],
    ['-0', '-0'],
  ];

  it.each(amounts)('%s → 400 on every route', async (_name, amount) => {
    for (const [method, url, rest] of routes()) {
      const body = JSON.stringify(rest).replace(/}$/, `${Object.keys(rest).length ? ',' : ''}"amount": ${amount}}`);
      const res = await raw(method, url, body);
      expect(res.statusCode, `${url} ${amount}: ${res.body}`).toBe(400);
      expect(res.json().error.param, url).toBe('amount');
    }
  });

  it('NaN and Infinity are not JSON → 400', async () => {
    for (const v of ['NaN', 'Infinity', '-Infinity', '0x10']) {
      expectError(await raw('POST', `/v1/cards/${mine.cardId}/fund`, `{"amount": ${v}}`), 400, 'invalid_request');
    }
  });
});

describe('currencies', () => {
  it.each([['lower case', 'usd'], ['unknown', 'ZZZ'], ['too long', 'USDD'], ['empty', ''], ['a number', 840]])('%s → 400', async (_name, currency) => {
    const res = await send('POST', `/v1/customers/${mine.customerId}/accounts`, { currency });
    expectError(res, 400, undefined, 'currency');
    const dep = await send('POST', '/v1/simulate/wallet_deposits', { currency, amount: 100 });
    expectError(dep, 400, undefined, 'currency');
  });
});

describe('strings', () => {
  it.each([
    ['NUL', 'Ada\u0000'], ['a bidi override', 'Ada\u202eevil'], ['a 10k-character name', 'A'.repeat(10_000)], ['a lone surrogate', 'Ada\ud800'],
    ['a zero-width joiner', 'A\u200dda'], ['an emoji', 'Ada 😀'],
  ])('%s in a name → 400', async (_name, first_name) => {
    const res = await send('POST', '/v1/customers', validCustomer({ first_name }));
    expectError(res, 400, undefined, 'first_name');
  });

  it.each([['NUL', 'x\u0000y'], ['a lone surrogate', 'x\udc00y']])('%s in free text → 400', async (_name, description) => {
    const res = await send('POST', '/v1/webhook_endpoints', { url: 'https://93.184.215.14/h', events: ['*'], description });
    expectError(res, 400, 'parameter_invalid', 'description');
  });

  it('a lone surrogate escaped in JSON → 400', async () => {
    const res = await raw('POST', '/v1/webhook_endpoints', '{"url": "https://93.184.215.14/h", "events": ["*"], "description": "a\\ud800b"}');
    expect(res.statusCode, res.body).toBe(400);
  });

  it('SQL metacharacters are stored literally (and the suite cleans up after itself)', async () => {
    const description = `'; DROP TABLE events; -- " \\ %_ $1 \u2028`;
    const res = await send('POST', '/v1/webhook_endpoints', { url: 'https://93.184.215.14/h', events: ['*'], description });
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json().id as string;
    expect((await send('GET', `/v1/webhook_endpoints/${id}`)).json().description).toBe(description);
    expect((await send('GET', `/v1/customers?email=${encodeURIComponent("' OR '1'='1")}`)).json().data).toEqual([]);
    const page = (await send('GET', `/v1/customers?limit=100&starting_after=${encodeURIComponent("x' OR 1=1 --")}`)).json();
    expect(page.data.map((c: { id: string }) => c.id)).not.toContain(theirs.customerId);
    expect((await send('GET', `/v1/customers/${encodeURIComponent("cus_' OR '1'='1")}`)).statusCode).toBe(404);
    // Not part of "nothing changed": this case changes something on purpose, then removes it.
    await t.db.query('DELETE FROM webhook_endpoints WHERE id = $1', [id]);
  });
});

describe('keys that attack the object model', () => {
  it.each([
    ['__proto__', '{"__proto__": {"polluted": true}, "currency": "USD"}'],
    ['constructor.prototype', '{"constructor": {"prototype": {"polluted": true}}, "currency": "USD"}'],
    ['nested __proto__', '{"currency": "USD", "x": {"__proto__": {"polluted": true}}}'],
    ['a "constructor" key', '{"constructor": "x", "currency": "USD"}'],
  ])('%s → 400, and nothing is polluted', async (_name, body) => {
    const res = await raw('POST', `/v1/customers/${mine.customerId}/accounts`, body);
    expect(res.statusCode, res.body).toBe(400);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });
});

describe('fields a client must not set', () => {
  it.each([
    ['/v1/customers', () => validCustomer({ balance: 1_000_000 }), 'balance'],
    ['/v1/customers', () => validCustomer({ merchant_id: other.id }), 'merchant_id'],
    ['/v1/customers', () => validCustomer({ id: 'cus_01h2xcejqtf2nbrexx3vqjhp41' }), 'id'],
    ['/v1/customers', () => validCustomer({ kyc_status: 'PASSED' }), 'kyc_status'],
    ['fund', () => ({ amount: 100, merchant_id: other.id }), 'merchant_id'],
    ['fund', () => ({ amount: 100, balance: 5 }), 'balance'],
    ['/v1/webhook_endpoints', () => ({ url: 'https://93.184.215.14/h', events: ['*'], secret: 'whsec_mine' }), 'secret'],
  ])('%s with %s → 400', async (route, body, param) => {
    const url = route === 'fund' ? `/v1/cards/${mine.cardId}/fund` : route;
    expectError(await send('POST', url, body()), 400, 'parameter_invalid', param);
  });
});

describe("another merchant's ids", () => {
  // In the path, on every route: test/http/security/cross-tenant.security.test.ts.
  it('in the body → 404', async () => {
    const merchant = { name: 'Shop', mcc: '5411', country: 'US' };
    const res = await send('POST', '/v1/simulate/force_posts', { card_id: theirs.cardId, amount: 100, merchant });
    expect(res.statusCode, res.body).toBe(404);
  });

  it('in a simulated network authorization → declined as an unknown card, exactly like a missing one', async () => {
    // The network simulator records every request it is sent (as a network would), so this one changes rows on purpose.
    const merchant = { name: 'Shop', mcc: '5411', country: 'US' };
    const foreign = await send('POST', '/v1/simulate/authorizations', { card_id: theirs.cardId, amount: 100, currency: 'USD', merchant });
    const missing = await send('POST', '/v1/simulate/authorizations', { card_id: 'card_01h2xcejqtf2nbrexx3vqjhp41', amount: 100, currency: 'USD', merchant });
    for (const res of [foreign, missing]) {
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ status: 'declined', card_id: null, decline_reason: 'card_not_found' });
    }
    expect(res2str(foreign)).not.toContain(theirs.cardId);
    const theirBalance = (await t.app.inject({ url: `/v1/cards/${theirs.cardId}/balance`, headers: bearer(other.key) })).body;
    expect(theirBalance).toBe(before['theirs.card']);
    before = await snapshot();
  });
});

describe('credentials and signatures', () => {
  const claims = () => ({ mid: m.id, mode: 'sandbox', sub: 'apikey_01h2xcejqtf2nbrexx3vqjhp41', iss: 'tessera', aud: 'tessera-api' });

  it('alg: none → 401', async () => {
    const token = new UnsecuredJWT(claims()).setIssuedAt().setExpirationTime('10m').encode();
    expectError(await hit({ method: 'POST', url: '/v1/customers', headers: bearer(token), payload: validCustomer() }), 401, 'invalid_token');
  });

  it("HS256 keyed with Tessera's public key → 401", async () => {
    const jwk = (await hit({ url: '/v1/.well-known/signing-keys' })).json().keys[0];
    for (const secret of [Buffer.from(jwk.x, 'base64url'), Buffer.from(JSON.stringify(jwk))]) {
      const token = await new SignJWT(claims()).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime('10m').sign(secret);
      expectError(await hit({ method: 'POST', url: '/v1/customers', headers: bearer(token), payload: validCustomer() }), 401, 'invalid_token');
    }
  });

  it('replayed, stale and foreign signatures → 401 with their reason', async () => {
    // The client signs with the wall clock: bring the server's test clock there.
    t.clock.set(new Date());
    const signer = crypto.generateKeyPairSync('ed25519');
    const pem = signer.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const s = await createMerchant(t.app, 'Signed Co');
    const reg = await t.app.inject({ method: 'POST', url: '/v1/signing_keys', headers: bearer(s.key), payload: { algorithm: 'ed25519', jwk: signer.publicKey.export({ format: 'jwk' }) } });
    const keyId = reg.json().id as string;
    // The registration is setup, not an attack: take the snapshot again.
    before = await snapshot();
    const sign = async (body: string, privateKeyPem = pem, kid = keyId) => ({
      body,
      headers: await signTesseraRequest({
        method: 'POST', url: 'http://localhost/v1/customers', body,
        headers: { authorization: `Bearer ${s.key}`, 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
      }, { keyId: kid, privateKeyPem }),
    });
    const go = (r: { headers: Record<string, string>; body: string }) => hit({ method: 'POST', url: '/v1/customers', headers: r.headers, payload: r.body });
    const bad = JSON.stringify(validCustomer({ first_name: 'A1' }));
    const signedBad = await sign(bad);
    expectError(await go(signedBad), 400, 'parameter_invalid');
    expectError(await go(signedBad), 401, 'invalid_signature', 'replayed');
    const stale = await sign(bad);
    t.clock.advance(400_000);
    expectError(await go(stale), 401, 'invalid_signature', 'stale');
    t.clock.set(new Date());
    const foreign = crypto.generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    expectError(await go(await sign(bad, foreign)), 401, 'invalid_signature', 'bad_signature');
    expectError(await go(await sign(bad, foreign, 'key_01h2xcejqtf2nbrexx3vqjhp41')), 401, 'invalid_signature', 'unknown_key');
    expectError(await send('POST', '/v1/customers', validCustomer(), {}, s.key), 401, 'invalid_signature', 'missing');
  });
});

describe('webhook URLs that point inside', () => {
  it.each([
    'https://169.254.169.254/latest/meta-data/', 'https://localhost/hook', 'https://10.0.0.7/hook', 'https://127.0.0.1:8443/',
    'https://[::1]/hook', 'https://[::ffff:10.0.0.1]/hook', 'https://192.168.1.1/', 'https://172.16.0.1/', 'https://100.64.0.1/',
    'https://0.0.0.0/', 'https://2130706433/', 'https://0x7f000001/', 'https://[fe80::1]/', 'https://[fd00::1]/',
    'http://93.184.215.14/plain-http', 'ftp://93.184.215.14/', 'https://nonexistent.invalid/hook', 'javascript:alert(1)',
  ])('%s → 400', async (url) => {
    expectError(await send('POST', '/v1/webhook_endpoints', { url, events: ['*'] }), 400, 'parameter_invalid', 'url');
  });
});

describe('odd requests', () => {
  it('X-HTTP-Method-Override is ignored', async () => {
    const res = await send('GET', `/v1/customers/${mine.customerId}`, undefined, { 'x-http-method-override': 'DELETE' });
    expect(res.statusCode).toBe(200);
    const post = await send('POST', `/v1/cards/${mine.cardId}/fund`, { amount: 0 }, { 'x-http-method-override': 'GET', 'x-method-override': 'GET' });
    expectError(post, 400, 'parameter_invalid', 'amount');
  });

  it.each([
    ['/v1/customers?limit=1e309'], ['/v1/customers?limit=-1'], ['/v1/customers?limit=abc'], ['/v1/customers?limit=101'],
    [`/v1/customers?email=${'a'.repeat(10_000)}`], ['/v1/events?type=card.exploded'], ['/v1/customers?kyc_status=passed'],
  ])('GET %s → 400', async (url) => {
    expect((await send('GET', url.slice(0, 200) === url ? url : url)).statusCode).toBe(400);
  });

  it('a PAN in free text or in the path is never logged in clear', async () => {
    const pan = '4111111111111111';
    await send('POST', '/v1/webhook_endpoints', { url: 'https://93.184.215.14/h', events: ['*'], description: `card ${pan}`, extra: pan });
    await send('GET', `/v1/cards/${pan}`);
    await send('POST', '/v1/customers', validCustomer({ first_name: pan, address: { ...validCustomer().address, line1: `PAN ${pan}` } }));
    await raw('POST', '/v1/customers', `{"first_name": "${pan}`);
    const logs = logLines.join('');
    expect(logs.length).toBeGreaterThan(0);
    expect(logs).not.toContain(pan);
    expect(logs).not.toContain('4111 1111 1111 1111');
  });
});

describe('every answer of this suite', () => {
  it('is never a 500 and never carries a stack trace or SQL', () => {
    expect(responses.length).toBeGreaterThan(100);
    for (const res of responses) {
      expect(res.statusCode, res.body).toBeLessThan(500);
      expect(res.body).not.toMatch(/\n\s+at |node_modules|\.ts:\d+|SELECT |INSERT |UPDATE |DELETE FROM|syntax error|violates|relation "/);
    }
  });
});
