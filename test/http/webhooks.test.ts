import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { httpbis, createVerifier } from 'http-message-signatures';
import { adminHeaders, bearer, buildTestApp, createMerchant, type TestApp } from '../harness.ts';
import { ManualClock } from '../../src/lib/clock.ts';
import { validCustomer } from '../fixtures/customers.ts';
import { dispatchOnce, RETRY_SCHEDULE_MS, type DispatchDeps } from '../../src/webhooks/index.ts';
import { checkContentDigest, publicKeyObject } from '../../src/signatures/index.ts';

interface Hit {
  headers: http.IncomingHttpHeaders;
  body: string;
  url: string;
}
type Answer = { status: number; headers?: Record<string, string>; body?: string; hang?: boolean };

/** A local receiver that records every request and answers with the next scripted answer (then 200). */
function receiver() {
  const hits: Hit[] = [];
  let script: Answer[] = [];
  const hanging: http.ServerResponse[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      hits.push({ headers: req.headers, body, url: req.url ?? '' });
      const a = script.shift() ?? { status: 200, body: 'ok' };
      if (a.hang) return void hanging.push(res);
      res.writeHead(a.status, a.headers ?? {});
      res.end(a.body ?? '');
    });
  });
  return {
    hits, server, hanging,
    script: (answers: Answer[]) => (script = answers),
    url: () => `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
  };
}

let t: TestApp;
let m: { id: string; key: string };
let other: { id: string; key: string };
const rx = receiver();
let deps: DispatchDeps;

beforeAll(async () => {
  // The standardwebhooks library checks webhook-timestamp against the wall clock: start the test clock there.
  t = await buildTestApp({ config: { webhooksAllowPrivate: true }, clock: new ManualClock(Date.now()) });
  m = await createMerchant(t.app, 'Hooks Co');
  other = await createMerchant(t.app, 'Other Co');
  await new Promise<void>((r) => rx.server.listen(0, '127.0.0.1', r));
  deps = { db: t.db, clock: t.clock, keys: t.keys, allowPrivate: true, random: () => 0 };
});
afterAll(async () => {
  for (const res of rx.hanging) res.destroy();
  rx.server.closeAllConnections();
  await new Promise((r) => rx.server.close(r));
  await t.close();
});
beforeEach(async () => {
  t.clock.set(new Date());
  rx.hits.length = 0;
  rx.script([]);
  // Each test starts from a clean slate of endpoints; old deliveries must not leak into the next test.
  await t.db.query("UPDATE webhook_deliveries SET status = 'cancelled' WHERE status = 'pending'");
  await t.db.query('UPDATE webhook_endpoints SET deleted_at = now(), enabled = false WHERE deleted_at IS NULL');
  await dispatchOnce(deps);
});

const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object, key = m.key) =>
  t.app.inject({ method, url, headers: bearer(key), ...(payload ? { payload } : {}) });

async function endpoint(events: string[] = ['*'], key = m.key) {
  const res = await api('POST', '/v1/webhook_endpoints', { url: rx.url(), events, description: 'test' }, key);
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; secret: string };
}

async function customer(key = m.key) {
  const res = await api('POST', '/v1/customers', validCustomer(), key);
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

describe('webhook endpoints: happy path', () => {
  it('creates (secret once), retrieves, lists, updates and deletes', async () => {
    const created = await endpoint(['customer.created']);
    expect(created).toMatchObject({ object: 'webhook_endpoint', events: ['customer.created'], enabled: true, disabled_reason: null, livemode: false });
    expect(created.id).toMatch(/^we_/);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/=]{40,}$/);
    const one = (await api('GET', `/v1/webhook_endpoints/${created.id}`)).json();
    expect(one.secret).toBeUndefined();
    expect(one).toEqual({ ...created, secret: undefined });
    expect((await api('GET', '/v1/webhook_endpoints')).json().data.map((e: { id: string }) => e.id)).toEqual([created.id]);
    const patched = await api('PATCH', `/v1/webhook_endpoints/${created.id}`, { events: ['card.created', 'card.updated'], enabled: false });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ events: ['card.created', 'card.updated'], enabled: false, disabled_reason: 'manual' });
    const enabled = (await api('PATCH', `/v1/webhook_endpoints/${created.id}`, { enabled: true })).json();
    expect(enabled).toMatchObject({ enabled: true, disabled_reason: null });
    const del = await api('DELETE', `/v1/webhook_endpoints/${created.id}`);
    expect(del.json()).toEqual({ id: created.id, object: 'webhook_endpoint', deleted: true });
    expect((await api('GET', `/v1/webhook_endpoints/${created.id}`)).statusCode).toBe(404);
  });
});

describe('delivery', () => {
  it('delivers each event signed per Standard Webhooks and RFC 9421, verifiable with the libraries', async () => {
    const ep = await endpoint(['customer.created']);
    const customerId = await customer();
    const r = await dispatchOnce(deps);
    expect(r).toMatchObject({ attempted: 1, succeeded: 1 });
    expect(rx.hits).toHaveLength(1);
    const hit = rx.hits[0]!;
    const payload = new Webhook(ep.secret).verify(hit.body, hit.headers as Record<string, string>) as { id: string; timestamp: string; created_at: string };
    expect(payload).toMatchObject({ object: 'event', type: 'customer.created', livemode: false, data: { object: { id: customerId } } });
    expect(hit.headers['webhook-id']).toBe(payload.id);
    expect(payload.timestamp).toBe(payload.created_at);

    // RFC 9421 with Tessera's key from the public JWKS, and RFC 9530 over the exact body.
    const jwks = await t.app.inject({ url: '/v1/.well-known/signing-keys' });
    expect(jwks.statusCode).toBe(200);
    const jwk = jwks.json().keys[0];
    expect(hit.headers['signature-input']).toContain(`keyid="${jwk.kid}"`);
    for (const c of ['"@method"', '"@target-uri"', '"content-digest"', '"webhook-id"', '"webhook-timestamp"']) expect(hit.headers['signature-input']).toContain(c);
    expect(checkContentDigest(hit.headers['content-digest'] as string, Buffer.from(hit.body))).toBe('ok');
    const verified = await httpbis.verifyMessage({
      keyLookup: async (p) => (p.keyid === jwk.kid ? { id: jwk.kid, algs: ['ed25519'], verify: createVerifier(publicKeyObject(Buffer.from(jwk.x, 'base64url')), 'ed25519') } : null),
    }, { method: 'POST', url: rx.url(), headers: hit.headers as Record<string, string> });
    expect(verified).toBe(true);

    const attempts = (await api('GET', `/v1/webhook_endpoints/${ep.id}/deliveries`)).json();
    expect(attempts.data).toHaveLength(1);
    expect(attempts.data[0]).toMatchObject({ object: 'webhook_delivery_attempt', attempt: 1, status_code: 200, response_body: 'ok', succeeded: true, event_type: 'customer.created' });
    expect(attempts.data[0].latency_ms).toBeGreaterThanOrEqual(0);
    expect(await dispatchOnce(deps)).toMatchObject({ attempted: 0 });
  });

  it('only sends subscribed types, and nothing for another merchant', async () => {
    await endpoint(['card.created']);
    await customer();
    await endpoint(['*'], other.key);
    expect(await dispatchOnce(deps)).toMatchObject({ attempted: 0 });
    await customer(other.key);
    expect(await dispatchOnce(deps)).toMatchObject({ attempted: 1 });
  });

  it('retries on the schedule with the same webhook-id until the receiver succeeds, keeping every attempt', async () => {
    const ep = await endpoint();
    rx.script([{ status: 500, body: 'boom' }, { status: 502 }]);
    await customer();
    expect(await dispatchOnce(deps)).toMatchObject({ attempted: 1, failed: 1 });
    expect(await dispatchOnce(deps)).toMatchObject({ attempted: 0 });
    t.clock.advance(4_000);
    expect(await dispatchOnce(deps)).toMatchObject({ attempted: 0 });
    t.clock.advance(1_000);
    expect(await dispatchOnce(deps)).toMatchObject({ attempted: 1, failed: 1 });
    t.clock.advance(5 * 60_000);
    expect(await dispatchOnce(deps)).toMatchObject({ attempted: 1, succeeded: 1 });
    expect(new Set(rx.hits.map((h) => h.headers['webhook-id'])).size).toBe(1);
    // Each attempt is signed anew (fresh timestamp); the last one verifies with the library.
    const last = rx.hits[2]!;
    const wh = new Webhook(ep.secret);
    const ts = new Date(Number(last.headers['webhook-timestamp']) * 1000);
    expect(last.headers['webhook-signature']).toBe(wh.sign(last.headers['webhook-id'] as string, ts, last.body));
    const attempts = (await api('GET', `/v1/webhook_endpoints/${ep.id}/deliveries`)).json().data;
    expect(attempts.map((a: { status_code: number }) => a.status_code)).toEqual([200, 502, 500]);
    expect(attempts.map((a: { attempt: number }) => a.attempt)).toEqual([3, 2, 1]);
    expect(attempts[2].response_body).toBe('boom');
    const row = (await t.db.query("SELECT failing_since FROM webhook_endpoints WHERE id = $1", [ep.id])).rows[0]!;
    expect(row.failing_since).toBeNull();
  });

  it('gives up after the tenth attempt, about three days later', async () => {
    const ep = await endpoint();
    rx.script(Array.from({ length: 10 }, () => ({ status: 500 })));
    await customer();
    let attempts = (await dispatchOnce(deps)).attempted;
    for (const delay of RETRY_SCHEDULE_MS.slice(1)) {
      t.clock.advance(delay);
      attempts += (await dispatchOnce(deps)).attempted;
    }
    t.clock.advance(48 * 3_600_000);
    attempts += (await dispatchOnce(deps)).attempted;
    expect(attempts).toBe(10);
    expect((await api('GET', `/v1/webhook_endpoints/${ep.id}`)).json().enabled).toBe(true);
    const d = (await t.db.query("SELECT status, attempts FROM webhook_deliveries WHERE endpoint_id = $1", [ep.id])).rows[0]!;
    expect(d).toEqual({ status: 'failed', attempts: 10 });
  });

  it('honours Retry-After on 429 and 503', async () => {
    await endpoint();
    rx.script([{ status: 429, headers: { 'retry-after': '120' } }, { status: 503, headers: { 'retry-after': new Date(t.clock.now().getTime() + 3_600_000).toUTCString() } }]);
    await customer();
    await dispatchOnce(deps);
    t.clock.advance(60_000);
    expect(await dispatchOnce(deps)).toMatchObject({ attempted: 0 });
    t.clock.advance(61_000);
    expect(await dispatchOnce(deps)).toMatchObject({ attempted: 1, failed: 1 });
    t.clock.advance(30 * 60_000);
    expect(await dispatchOnce(deps)).toMatchObject({ attempted: 0 });
    t.clock.advance(40 * 60_000);
    expect(await dispatchOnce(deps)).toMatchObject({ attempted: 1, succeeded: 1 });
  });

  it('treats 410 as "disable the endpoint" and says so with an event', async () => {
    const ep = await endpoint(['customer.created']);
    rx.script([{ status: 410 }]);
    await customer();
    await dispatchOnce(deps);
    const got = (await api('GET', `/v1/webhook_endpoints/${ep.id}`)).json();
    expect(got).toMatchObject({ enabled: false, disabled_reason: 'gone' });
    const events = (await api('GET', '/v1/events?type=webhook_endpoint.disabled')).json().data;
    expect(events[0].data.object).toMatchObject({ id: ep.id, disabled_reason: 'gone' });
    await customer();
    expect(await dispatchOnce(deps)).toMatchObject({ attempted: 0 });
  });

  it('disables an endpoint that has failed for 5 days', async () => {
    const ep = await endpoint();
    rx.script(Array.from({ length: 40 }, () => ({ status: 500 })));
    await customer();
    await dispatchOnce(deps);
    for (let day = 1; day <= 5; day++) {
      t.clock.advance(24 * 3_600_000);
      await customer();
      await dispatchOnce(deps);
    }
    const got = (await api('GET', `/v1/webhook_endpoints/${ep.id}`)).json();
    expect(got).toMatchObject({ enabled: false, disabled_reason: 'failing' });
    expect((await api('GET', '/v1/events?type=webhook_endpoint.disabled')).json().data[0].data.object.id).toBe(ep.id);
    expect((await t.db.query("SELECT count(*)::int AS n FROM webhook_deliveries WHERE endpoint_id = $1 AND status = 'pending'", [ep.id])).rows[0]!.n).toBe(0);
  });

  it('signs with both secrets for 24 hours after a rotation', async () => {
    const ep = await endpoint();
    const rotated = await api('POST', `/v1/webhook_endpoints/${ep.id}/rotate_secret`);
    expect(rotated.statusCode, rotated.body).toBe(200);
    const fresh = rotated.json().secret as string;
    expect(fresh).not.toBe(ep.secret);
    await customer();
    await dispatchOnce(deps);
    const hit = rx.hits[0]!;
    expect((hit.headers['webhook-signature'] as string).split(' ')).toHaveLength(2);
    for (const secret of [ep.secret, fresh]) new Webhook(secret).verify(hit.body, hit.headers as Record<string, string>);
    t.clock.advance(24 * 3_600_000 + 1000);
    await customer();
    await dispatchOnce(deps);
    const later = rx.hits[1]!;
    expect((later.headers['webhook-signature'] as string).split(' ')).toHaveLength(1);
    const ts = new Date(Number(later.headers['webhook-timestamp']) * 1000);
    expect(later.headers['webhook-signature']).toBe(new Webhook(fresh).sign(later.headers['webhook-id'] as string, ts, later.body));
  });

  it('times out a receiver that does not answer and records it', async () => {
    const ep = await endpoint();
    rx.script([{ status: 200, hang: true }]);
    await customer();
    expect(await dispatchOnce({ ...deps, timeoutMs: 200 })).toMatchObject({ attempted: 1, failed: 1 });
    const a = (await api('GET', `/v1/webhook_endpoints/${ep.id}/deliveries`)).json().data[0];
    expect(a).toMatchObject({ status_code: null, succeeded: false });
    expect(a.error).toMatch(/^timeout/);
  });

  it('checks the address again at each send: a loopback URL is blocked without the development setting', async () => {
    const ep = await endpoint();
    await customer();
    expect(await dispatchOnce({ ...deps, allowPrivate: false })).toMatchObject({ attempted: 1, failed: 1 });
    expect(rx.hits).toHaveLength(0);
    const a = (await api('GET', `/v1/webhook_endpoints/${ep.id}/deliveries`)).json().data[0];
    expect(a.error).toMatch(/^blocked/);
  });

  it('checks the address again at each send: a link-local URL is blocked even with the development setting', async () => {
    const ep = await endpoint();
    // As a URL registered before link-local was refused under TESSERA_WEBHOOKS_ALLOW_PRIVATE would be.
    await t.db.query("UPDATE webhook_endpoints SET url = 'http://169.254.169.254/latest/meta-data/' WHERE id = $1", [ep.id]);
    await customer();
    expect(await dispatchOnce(deps)).toMatchObject({ attempted: 1, failed: 1 });
    const a = (await api('GET', `/v1/webhook_endpoints/${ep.id}/deliveries`)).json().data[0];
    expect(a.error).toMatch(/^blocked.*link-local/);
  });

  it('redelivers an event on request, with the same webhook-id', async () => {
    const ep = await endpoint();
    await customer();
    await dispatchOnce(deps);
    const eventId = rx.hits[0]!.headers['webhook-id'] as string;
    const res = await api('POST', `/v1/events/${eventId}/redeliver`, { endpoint_id: ep.id });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json().data[0]).toMatchObject({ object: 'webhook_delivery', event_id: eventId, endpoint_id: ep.id, status: 'pending' });
    const all = await api('POST', `/v1/events/${eventId}/redeliver`);
    expect(all.statusCode).toBe(202);
    await dispatchOnce(deps);
    expect(rx.hits.map((h) => h.headers['webhook-id'])).toEqual([eventId, eventId, eventId]);
  });
});

describe('events API', () => {
  it('lists and retrieves events, newest first, paged and filtered', async () => {
    const a = await customer();
    const b = await customer();
    const page = (await api('GET', '/v1/events?type=customer.created&limit=1')).json();
    expect(page).toMatchObject({ object: 'list', has_more: true });
    expect(page.data[0].data.object.id).toBe(b);
    const next = (await api('GET', `/v1/events?type=customer.created&limit=1&starting_after=${page.data[0].id}`)).json();
    expect(next.data[0].data.object.id).toBe(a);
    const one = await api('GET', `/v1/events/${page.data[0].id}`);
    expect(one.json()).toEqual(page.data[0]);
  });
});

describe('errors', () => {
  it.each([
    ['"*" with other types', { url: 'https://93.184.215.14/h', events: ['*', 'card.created'] }, 'events'],
    ['an unknown event type', { url: 'https://93.184.215.14/h', events: ['card.exploded'] }, 'events.0'],
    ['no events', { url: 'https://93.184.215.14/h', events: [] }, 'events'],
    ['a missing url', { events: ['*'] }, 'url'],
    ['a relative url', { url: '/hook', events: ['*'] }, 'url'],
    ['credentials in the url', { url: 'https://user:pw@93.184.215.14/h', events: ['*'] }, 'url'],
    ['an unknown field', { url: 'https://93.184.215.14/h', events: ['*'], secret: 'mine' }, 'secret'],
  ])('refuses %s with a 400', async (_name, payload, param) => {
    const res = await api('POST', '/v1/webhook_endpoints', payload);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.param).toBe(param);
  });

  it('answers 404 for a missing endpoint or event, and 409 when redelivering to a disabled endpoint', async () => {
    expect((await api('GET', '/v1/webhook_endpoints/we_01h2xcejqtf2nbrexx3vqjhp41')).statusCode).toBe(404);
    expect((await api('GET', '/v1/events/evt_01h2xcejqtf2nbrexx3vqjhp41')).statusCode).toBe(404);
    expect((await api('POST', '/v1/events/junk/redeliver')).statusCode).toBe(404);
    const ep = await endpoint();
    await customer();
    const evt = (await api('GET', '/v1/events?limit=1')).json().data[0].id;
    await api('PATCH', `/v1/webhook_endpoints/${ep.id}`, { enabled: false });
    const res = await api('POST', `/v1/events/${evt}/redeliver`, { endpoint_id: ep.id });
    expect(res.statusCode).toBe(409);
  });

  it('checks the URL before the transaction: a refusal is not stored under the Idempotency-Key, a retry checks again', async () => {
    const headers = { ...bearer(m.key), 'idempotency-key': 'we-refused-url' };
    const payload = { url: 'https://user:pw@93.184.215.14/h', events: ['*'] };
    for (let i = 0; i < 2; i++) {
      const res = await t.app.inject({ method: 'POST', url: '/v1/webhook_endpoints', headers, payload });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.param).toBe('url');
      expect(res.headers['idempotent-replayed']).toBeUndefined();
    }
    const stored = await t.db.query("SELECT 1 FROM idempotency_keys WHERE key = 'we-refused-url'");
    expect(stored.rows).toHaveLength(0);
  });

  it('replays an update and a delete under their Idempotency-Key, and refuses the key for another body', async () => {
    const ep = await endpoint();
    const send = (method: 'PATCH' | 'DELETE', key: string, payload?: object) => t.app.inject({
      method, url: `/v1/webhook_endpoints/${ep.id}`, headers: { ...bearer(m.key), 'idempotency-key': key }, ...(payload ? { payload } : {}),
    });
    const first = await send('PATCH', 'we-patch', { description: 'first' });
    expect(first.statusCode, first.body).toBe(200);
    await api('PATCH', `/v1/webhook_endpoints/${ep.id}`, { description: 'changed since' });
    const replay = await send('PATCH', 'we-patch', { description: 'first' });
    expect(replay.statusCode).toBe(200);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json()).toEqual(first.json());
    expect((await send('PATCH', 'we-patch', { description: 'other' })).json().error.code).toBe('idempotency_key_reused');
    const deleted = await send('DELETE', 'we-delete');
    const again = await send('DELETE', 'we-delete');
    expect([deleted.statusCode, again.statusCode]).toEqual([200, 200]);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual({ id: ep.id, object: 'webhook_endpoint', deleted: true });
  });
});

describe('security', () => {
  it("answers 404 for another merchant's endpoint and events, on every route", async () => {
    const ep = await endpoint();
    await customer();
    const evt = (await api('GET', '/v1/events?limit=1')).json().data[0].id;
    for (const [method, url, payload] of [
      ['GET', `/v1/webhook_endpoints/${ep.id}`], ['PATCH', `/v1/webhook_endpoints/${ep.id}`, { enabled: false }],
      ['DELETE', `/v1/webhook_endpoints/${ep.id}`], ['POST', `/v1/webhook_endpoints/${ep.id}/rotate_secret`],
      ['GET', `/v1/webhook_endpoints/${ep.id}/deliveries`], ['GET', `/v1/events/${evt}`], ['POST', `/v1/events/${evt}/redeliver`],
      ['POST', `/v1/events/${evt}/redeliver`, { endpoint_id: ep.id }],
    ] as const) {
      const res = await api(method, url, payload, other.key);
      expect(res.statusCode, `${method} ${url}`).toBe(404);
    }
    expect((await api('GET', '/v1/events', undefined, other.key)).json().data.map((e: { id: string }) => e.id)).not.toContain(evt);
    expect((await api('GET', `/v1/webhook_endpoints/${ep.id}`)).json().enabled).toBe(true);
  });

  it('keeps sandbox and live apart: a sandbox key cannot see live events or endpoints', async () => {
    await t.app.inject({ method: 'POST', url: `/admin/v1/merchants/${m.id}/live_access`, headers: adminHeaders });
    const live = (await t.app.inject({ method: 'POST', url: `/admin/v1/merchants/${m.id}/keys`, headers: adminHeaders, payload: { mode: 'live' } })).json().api_key as string;
    const liveEp = await endpoint(['*'], live);
    expect((await api('GET', `/v1/webhook_endpoints/${liveEp.id}`, undefined, live)).json().livemode).toBe(true);
    await customer(live);
    const liveEvt = (await api('GET', '/v1/events?limit=1', undefined, live)).json().data[0];
    expect(liveEvt.livemode).toBe(true);
    expect((await api('GET', `/v1/events/${liveEvt.id}`)).statusCode).toBe(404);
    expect((await api('GET', '/v1/events')).json().data.map((e: { id: string }) => e.id)).not.toContain(liveEvt.id);
    expect((await api('GET', `/v1/webhook_endpoints/${liveEp.id}`)).statusCode).toBe(404);
  });

  it('requires authentication, except for the public JWKS', async () => {
    expect((await t.app.inject({ url: '/v1/events' })).statusCode).toBe(401);
    expect((await t.app.inject({ url: '/v1/webhook_endpoints' })).statusCode).toBe(401);
    const jwks = await t.app.inject({ url: '/v1/.well-known/signing-keys' });
    expect(jwks.json().keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
    expect(jwks.json().keys[0].d).toBeUndefined();
  });
});

describe('URLs with the development setting on', () => {
  it('stores the URL as parsed, not as typed, for endpoints and the authorization endpoint', async () => {
    const owner = await createMerchant(t.app, 'Parsed URLs');
    const typed = 'https://1.1.1.1\\@127.0.0.1/h';
    const parsed = 'https://1.1.1.1/@127.0.0.1/h';
    const created = await api('POST', '/v1/webhook_endpoints', { url: typed, events: ['*'] }, owner.key);
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().url).toBe(parsed);
    const id = created.json().id as string;
    const stored = async () => (await t.db.query<{ url: string }>('SELECT url FROM webhook_endpoints WHERE id = $1', [id])).rows[0]!.url;
    expect(await stored()).toBe(parsed);
    const patched = await api('PATCH', `/v1/webhook_endpoints/${id}`, { url: 'HTTP://127.0.0.1:80/a b' }, owner.key);
    expect(patched.json().url).toBe('http://127.0.0.1/a%20b');
    expect(await stored()).toBe('http://127.0.0.1/a%20b');

    const decision = await t.app.inject({ method: 'PUT', url: '/v1/authorization_endpoint', headers: bearer(owner.key), payload: { url: typed, fallback: 'approve' } });
    expect(decision.statusCode, decision.body).toBe(200);
    expect(decision.json().url).toBe(parsed);
    const row = await t.db.query<{ url: string }>('SELECT url FROM authorization_endpoints WHERE merchant_id = $1', [owner.id]);
    expect(row.rows[0]!.url).toBe(parsed);
  });

  it.each([
    'http://169.254.169.254/latest/meta-data/', 'http://[fe80::1]/h', 'http://[::ffff:169.254.169.254]/h', 'http://[::a9fe:a9fe]/h',
    'http://[::7f00:1]/h', 'http://0.0.0.0:9/h', 'http://224.0.0.1/h',
  ])('refuses %s at registration even so', async (url) => {
    const res = await api('POST', '/v1/webhook_endpoints', { url, events: ['*'] });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'parameter_invalid', param: 'url' });
    const decision = await t.app.inject({ method: 'PUT', url: '/v1/authorization_endpoint', headers: bearer(other.key), payload: { url, fallback: 'approve' } });
    expect(decision.statusCode, decision.body).toBe(400);
    expect(decision.json().error.param).toBe('url');
  });
});
