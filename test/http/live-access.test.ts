import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, bearer, buildTestApp, createMerchant, onPostgres, type TestApp } from '../harness.ts';

let t: TestApp;
beforeAll(async () => { t = await buildTestApp(); });
afterAll(async () => t.close());

const body = (over: Record<string, unknown> = {}) => ({
  business_name: 'Acme Cards Ltd', website: 'https://acme.example.com', country: 'CM', use_case: 'Virtual cards for our staff to pay suppliers.', ...over,
});
const ask = (key: string, payload: object = body(), headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url: '/v1/live_access_requests', headers: { ...bearer(key), ...headers }, payload });
const mine = (key: string, query = '') => t.app.inject({ url: `/v1/live_access_requests${query}`, headers: bearer(key) });
const admin = (method: 'GET' | 'POST', url: string, payload?: object, headers: Record<string, string> = adminHeaders) =>
  t.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
const newKey = async (merchantId: string, mode: 'sandbox' | 'live', scopes?: string[]) =>
  (await admin('POST', `/admin/v1/merchants/${merchantId}/keys`, { mode, ...(scopes ? { scopes } : {}) })).json().api_key as string;
const eventsOf = async (id: string) =>
  (await t.db.query<{ type: string; mode: string; data: { object: { status: string } } }>(
    "SELECT type, mode, data FROM events WHERE data->'object'->>'id' = $1 ORDER BY id", [id])).rows;
const auditOf = async (id: string) =>
  (await t.db.query<{ action: string; actor: string }>('SELECT action, actor FROM audit_log WHERE target = $1 ORDER BY seq', [id])).rows;

describe('live access requests: happy paths', () => {
  it('a merchant asks with its sandbox key, sees it PENDING, the operator approves, and its live key works at once', async () => {
    const m = await createMerchant(t.app, 'Approve Co');
    const live = await newKey(m.id, 'live');
    expect((await t.app.inject({ url: '/v1/merchant', headers: bearer(live) })).json().error.code).toBe('live_access_required');

    const created = await ask(m.key, body({ website: 'https://Acme.Example.com', business_name: '  Acme Cards Ltd ' }));
    expect(created.statusCode, created.body).toBe(201);
    const r = created.json();
    expect(r).toMatchObject({
      object: 'live_access_request', merchant_id: m.id, business_name: 'Acme Cards Ltd', website: 'https://acme.example.com/', country: 'CM',
      status: 'PENDING', rejection_reason: null, reviewed_at: null,
    });
    expect(r.id).toMatch(/^lar_/);
    expect((await mine(m.key)).json()).toMatchObject({ object: 'list', has_more: false, data: [{ id: r.id, status: 'PENDING' }] });
    expect((await t.app.inject({ url: `/v1/live_access_requests/${r.id}`, headers: bearer(m.key) })).json()).toEqual(r);

    const queue = (await admin('GET', '/admin/v1/live_access_requests?status=PENDING')).json();
    expect(queue.data.map((x: { id: string }) => x.id)).toContain(r.id);

    // The sandbox key's principal is cached; approving forgets it, so the next request reads it again.
    await t.app.inject({ url: '/v1/merchant', headers: bearer(m.key) });
    const before = t.app.principals.stats().misses;
    const approved = await admin('POST', `/admin/v1/live_access_requests/${r.id}/approve`);
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toMatchObject({ id: r.id, status: 'APPROVED', reviewed_at: t.clock.now().toISOString() });
    const me = await t.app.inject({ url: '/v1/merchant', headers: bearer(m.key) });
    expect(me.json().live_access).toBe(true);
    expect(t.app.principals.stats().misses).toBe(before + 1);
    expect((await t.app.inject({ url: '/v1/merchant', headers: bearer(live) })).statusCode).toBe(200);

    expect((await eventsOf(r.id)).map((e) => [e.type, e.mode, e.data.object.status])).toEqual([
      ['live_access_request.created', 'sandbox', 'PENDING'], ['live_access_request.approved', 'sandbox', 'APPROVED'],
    ]);
    const audit = await auditOf(r.id);
    expect(audit.map((a) => a.action)).toEqual(['live_access_request.create', 'live_access_request.approve']);
    expect(audit[1]!.actor).toBe('operator');
    expect((await auditOf(m.id)).map((a) => a.action)).toContain('merchant.live_access.grant');
    // The live key sees the merchant's requests too: they belong to the merchant, not to a mode.
    expect((await mine(live)).json().data.map((x: { id: string }) => x.id)).toEqual([r.id]);
  });

  it('the operator rejects with a reason the merchant sees; the merchant asks again', async () => {
    const m = await createMerchant(t.app, 'Reject Co');
    const first = (await ask(m.key)).json();
    const rejected = await admin('POST', `/admin/v1/live_access_requests/${first.id}/reject`, { reason: 'Your website does not describe the business.' });
    expect(rejected.statusCode, rejected.body).toBe(200);
    expect(rejected.json()).toMatchObject({ status: 'REJECTED', rejection_reason: 'Your website does not describe the business.' });
    expect((await t.app.inject({ url: '/v1/merchant', headers: bearer(m.key) })).json().live_access).toBe(false);
    expect((await mine(m.key)).json().data[0]).toMatchObject({ id: first.id, status: 'REJECTED', rejection_reason: 'Your website does not describe the business.' });
    expect((await eventsOf(first.id)).map((e) => e.type)).toEqual(['live_access_request.created', 'live_access_request.rejected']);
    expect((await auditOf(first.id)).map((a) => a.action)).toEqual(['live_access_request.create', 'live_access_request.reject']);

    const second = await ask(m.key, body({ website: 'https://acme.example.com/about' }));
    expect(second.statusCode, second.body).toBe(201);
    const list = (await mine(m.key)).json().data.map((x: { id: string; status: string }) => [x.id, x.status]);
    expect(list).toEqual([[second.json().id, 'PENDING'], [first.id, 'REJECTED']]);
  });

  it('lists for the operator by status and merchant, newest first, paged', async () => {
    const m = await createMerchant(t.app, 'List Co');
    const r = (await ask(m.key)).json();
    const byMerchant = (await admin('GET', `/admin/v1/live_access_requests?merchant_id=${m.id}`)).json();
    expect(byMerchant.data.map((x: { id: string }) => x.id)).toEqual([r.id]);
    expect((await admin('GET', `/admin/v1/live_access_requests?merchant_id=${m.id}&status=APPROVED`)).json().data).toEqual([]);
    const page1 = (await admin('GET', '/admin/v1/live_access_requests?limit=1')).json();
    expect(page1.data).toHaveLength(1);
    expect(page1.has_more).toBe(true);
    const page2 = (await admin('GET', `/admin/v1/live_access_requests?limit=1&starting_after=${page1.data[0].id}`)).json();
    expect(page2.data[0].id < page1.data[0].id).toBe(true);
    expect((await admin('GET', `/admin/v1/live_access_requests/${r.id}`)).json()).toMatchObject({ id: r.id, merchant_id: m.id });
  });

  it('replays a retried request with the same Idempotency-Key instead of refusing it as a duplicate', async () => {
    const m = await createMerchant(t.app, 'Retry Co');
    const first = await ask(m.key, body(), { 'idempotency-key': 'lar-1' });
    const again = await ask(m.key, body(), { 'idempotency-key': 'lar-1' });
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json().id).toBe(first.json().id);
  });
});

describe('live access requests: errors', () => {
  it.each([
    [{ country: 'ZZ' }, 'country'], [{ country: 'cm' }, 'country'], [{ website: 'not a url' }, 'website'], [{ website: 'ftp://acme.example.com' }, 'website'],
    [{ website: 'https://user:pw@acme.example.com' }, 'website'], [{ website: 'http://localhost' }, 'website'], [{ business_name: '   ' }, 'business_name'],
    [{ business_name: 'Acme\nCards' }, 'business_name'], [{ use_case: 'pay\u0000' }, 'use_case'], [{ business_name: 'x'.repeat(201) }, 'business_name'],
    [{ use_case: '' }, 'use_case'], [{ extra: 1 }, null],
  ])('refuses %o, naming the field, and stores nothing', async (over, param) => {
    const m = await createMerchant(t.app, 'Bad Input Co');
    const res = await ask(m.key, body(over));
    expect([400, 422]).toContain(res.statusCode);
    if (param) expect(res.json().error.param).toBe(param);
    expect((await mine(m.key)).json().data).toEqual([]);
  });

  it('refuses a second request while one is PENDING (409 resource_exists naming it), and any once live access is granted', async () => {
    const m = await createMerchant(t.app, 'Twice Co');
    const first = (await ask(m.key)).json();
    const twice = await ask(m.key);
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.code).toBe('resource_exists');
    expect(twice.json().error.message).toContain(first.id);
    await admin('POST', `/admin/v1/merchants/${m.id}/live_access`);
    await admin('POST', `/admin/v1/live_access_requests/${first.id}/reject`, { reason: 'Granted directly.' });
    const after = await ask(m.key);
    expect(after.statusCode).toBe(409);
    expect(after.json().error.code).toBe('conflict');
  });

  it('decides only a PENDING request (409 naming its status), once', async () => {
    const m = await createMerchant(t.app, 'Once Co');
    const r = (await ask(m.key)).json();
    expect((await admin('POST', `/admin/v1/live_access_requests/${r.id}/approve`)).statusCode).toBe(200);
    for (const [url, payload] of [[`/admin/v1/live_access_requests/${r.id}/approve`, undefined], [`/admin/v1/live_access_requests/${r.id}/reject`, { reason: 'Too late.' }]] as const) {
      const res = await admin('POST', url, payload);
      expect(res.statusCode).toBe(409);
      expect(res.json().error).toMatchObject({ code: 'conflict', message: expect.stringContaining('APPROVED') });
    }
    expect((await eventsOf(r.id)).map((e) => e.type)).toEqual(['live_access_request.created', 'live_access_request.approved']);
  });

  it('answers 404 for unknown and malformed ids, and refuses a reject without a reason', async () => {
    for (const id of ['lar_01m80jq3m4f25b04kxejzk5vqd', 'nonsense', 'mch_01m80jq3m4f25b04kxejzk5vqd']) {
      expect((await admin('POST', `/admin/v1/live_access_requests/${id}/approve`)).statusCode).toBe(404);
      expect((await admin('GET', `/admin/v1/live_access_requests/${id}`)).statusCode).toBe(404);
    }
    const m = await createMerchant(t.app, 'Reasonless Co');
    const r = (await ask(m.key)).json();
    expect((await admin('POST', `/admin/v1/live_access_requests/${r.id}/reject`, {})).statusCode).toBe(400);
    const blank = await admin('POST', `/admin/v1/live_access_requests/${r.id}/reject`, { reason: '  ' });
    expect(blank.statusCode).toBe(400);
    expect(blank.json().error.param).toBe('reason');
    expect((await admin('GET', `/admin/v1/live_access_requests/${r.id}`)).json().status).toBe('PENDING');
    expect((await admin('GET', '/admin/v1/live_access_requests?status=WAITING')).statusCode).toBe(400);
  });
});

describe('live access requests: security', () => {
  // Credentials on every route, and the admin token on the operator routes: test/http/security/auth.security.test.ts.

  it("hides another merchant's requests (404, not in its list) and refuses a read-only key", async () => {
    const a = await createMerchant(t.app, 'Owner Co');
    const b = await createMerchant(t.app, 'Nosy Co');
    const r = (await ask(a.key)).json();
    const foreign = await t.app.inject({ url: `/v1/live_access_requests/${r.id}`, headers: bearer(b.key) });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().error.code).toBe('resource_not_found');
    expect((await mine(b.key)).json().data).toEqual([]);
    const readOnly = await newKey(b.id, 'sandbox', ['read']);
    const refused = await ask(readOnly);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('insufficient_scope');
    expect((await mine(readOnly)).statusCode).toBe(200);
  });

  it('a live key cannot ask before approval (403 live_access_required), and a merchant cannot approve itself', async () => {
    const m = await createMerchant(t.app, 'Self Co');
    const live = await newKey(m.id, 'live');
    const res = await ask(live);
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('live_access_required');
    const r = (await ask(m.key)).json();
    const self = await t.app.inject({ method: 'POST', url: `/admin/v1/live_access_requests/${r.id}/approve`, headers: bearer(m.key) });
    expect(self.statusCode).toBe(401);
    expect((await t.app.inject({ url: '/v1/merchant', headers: bearer(m.key) })).json().live_access).toBe(false);
  });
});

describe.skipIf(!onPostgres)('live access requests under concurrency (PostgreSQL)', () => {
  it('10 concurrent requests by one merchant give exactly one PENDING request; the rest 409', async () => {
    const m = await createMerchant(t.app, 'Race Co');
    const answers = await Promise.all(Array.from({ length: 10 }, () => ask(m.key)));
    expect(answers.map((r) => r.statusCode).sort()).toEqual([201, ...Array(9).fill(409)]);
    expect((await mine(m.key)).json().data).toHaveLength(1);
  });

  it('an approval and a rejection racing: one wins, the other is 409, and the merchant has live access only if approved', async () => {
    const m = await createMerchant(t.app, 'Verdict Co');
    const r = (await ask(m.key)).json();
    const [approve, reject] = await Promise.all([
      admin('POST', `/admin/v1/live_access_requests/${r.id}/approve`),
      admin('POST', `/admin/v1/live_access_requests/${r.id}/reject`, { reason: 'No.' }),
    ]);
    expect([approve.statusCode, reject.statusCode].sort()).toEqual([200, 409]);
    const final = (await admin('GET', `/admin/v1/live_access_requests/${r.id}`)).json().status;
    expect(final).toBe(approve.statusCode === 200 ? 'APPROVED' : 'REJECTED');
    expect((await t.app.inject({ url: '/v1/merchant', headers: bearer(m.key) })).json().live_access).toBe(final === 'APPROVED');
    expect((await eventsOf(r.id)).map((e) => e.type)).toHaveLength(2);
  });
});
