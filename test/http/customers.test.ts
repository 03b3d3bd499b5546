import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, bearer, buildTestApp, createMerchant, type TestApp } from '../harness.ts';
import { validCustomer } from '../fixtures/customers.ts';

let t: TestApp;
let m: { id: string; key: string };
let other: { id: string; key: string };

beforeAll(async () => {
  t = await buildTestApp();
  m = await createMerchant(t.app, 'Customers Co');
  other = await createMerchant(t.app, 'Other Co');
});
afterAll(async () => t.close());

const post = (key: string, payload: unknown, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url: '/v1/customers', headers: { ...bearer(key), ...headers }, payload: payload as object });

describe('customers: happy path', () => {
  it('creates, retrieves, lists, filters and updates a customer, writing events', async () => {
    const input = validCustomer({ email: 'Ada.Lovelace@Example.com' });
    const res = await post(m.key, input);
    expect(res.statusCode, res.body).toBe(201);
    const c = res.json();
    expect(c).toMatchObject({ object: 'customer', email: 'ada.lovelace@example.com', kyc_status: 'NOT_STARTED', livemode: false });
    expect(c.id).toMatch(/^cus_/);
    expect((await t.app.inject({ url: `/v1/customers/${c.id}`, headers: bearer(m.key) })).json()).toEqual(c);
    const byEmail = (await t.app.inject({ url: '/v1/customers?email=ADA.LOVELACE@example.com', headers: bearer(m.key) })).json();
    expect(byEmail.data.map((x: { id: string }) => x.id)).toEqual([c.id]);
    const byKyc = (await t.app.inject({ url: '/v1/customers?kyc_status=PASSED', headers: bearer(m.key) })).json();
    expect(byKyc.data).toEqual([]);
    const patched = await t.app.inject({ method: 'PATCH', url: `/v1/customers/${c.id}`, headers: bearer(m.key), payload: { last_name: 'King', address: { city: 'Lyon' } } });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ last_name: 'King', address: { city: 'Lyon', line1: '12 Rue de la Paix' } });
    const events = (await t.db.query<{ type: string; data: { previous_attributes?: Record<string, unknown> } }>(
      "SELECT type, data FROM events WHERE data->'object'->>'id' = $1 ORDER BY id", [c.id])).rows;
    expect(events.map((e) => e.type)).toEqual(['customer.created', 'customer.updated']);
    expect(events[1]!.data.previous_attributes).toMatchObject({ last_name: "O'Neil-Smith" });
  });
});

describe('customers: errors', () => {
  it.each([
    ['a non-embossable name', { first_name: 'José' }, 'first_name'],
    ['a name over 26 characters', { last_name: 'A'.repeat(27) }, 'last_name'],
    ['an unknown country', { address: { ...validCustomer().address, country: 'XX' } }, 'address.country'],
    ['a lower-case country', { address: { ...validCustomer().address, country: 'fr' } }, 'address.country'],
    ['a phone prefix of another country', { phone_prefix: '44' }, 'phone_prefix'],
    ['an invalid phone number', { phone_number: '1234' }, 'phone_number'],
    ['an impossible date', { date_of_birth: '1990-02-30' }, 'date_of_birth'],
    ['a minor', { date_of_birth: '2015-01-01' }, 'date_of_birth'],
    ['a bad email', { email: 'not-an-email' }, 'email'],
    ['an unknown field', { balance: 100 }, 'balance'],
    ['a missing field', { address: undefined }, 'address'],
  ])('refuses %s with a 400 naming the field and writes nothing', async (_name, overrides, param) => {
    const before = (await t.db.query('SELECT count(*)::int AS n FROM customers')).rows[0]!.n;
    const res = await post(m.key, validCustomer(overrides));
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.param).toBe(param);
    expect((await t.db.query('SELECT count(*)::int AS n FROM customers')).rows[0]!.n).toBe(before);
  });

  it('refuses a second customer with the same email: 409', async () => {
    const input = validCustomer();
    expect((await post(m.key, input)).statusCode).toBe(201);
    const dup = await post(m.key, { ...input, email: input.email.toUpperCase() });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error).toMatchObject({ code: 'resource_exists', param: 'email' });
    expect((await post(other.key, input)).statusCode).toBe(201);
  });

  it('validates a PATCH as a whole and refuses an empty one', async () => {
    const c = (await post(m.key, validCustomer())).json();
    const bad = await t.app.inject({ method: 'PATCH', url: `/v1/customers/${c.id}`, headers: bearer(m.key), payload: { phone_country: 'GB' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.param).toBe('phone_prefix');
    const empty = await t.app.inject({ method: 'PATCH', url: `/v1/customers/${c.id}`, headers: bearer(m.key), payload: {} });
    expect(empty.statusCode).toBe(400);
  });
});

describe('customers: security', () => {
  it("answers 404 for another merchant's customer, exactly as for a missing one", async () => {
    const c = (await post(m.key, validCustomer())).json();
    const foreign = await t.app.inject({ url: `/v1/customers/${c.id}`, headers: bearer(other.key) });
    const missing = await t.app.inject({ url: '/v1/customers/cus_01m80jq3m4f25b04kxejzk5vqd', headers: bearer(other.key) });
    expect(foreign.statusCode).toBe(404);
    expect(missing.statusCode).toBe(404);
    expect({ ...foreign.json().error, request_id: '' }).toEqual({ ...missing.json().error, request_id: '' });
    const patch = await t.app.inject({ method: 'PATCH', url: `/v1/customers/${c.id}`, headers: bearer(other.key), payload: { last_name: 'X' } });
    expect(patch.statusCode).toBe(404);
    const list = (await t.app.inject({ url: '/v1/customers?limit=100', headers: bearer(other.key) })).json();
    expect(list.data.map((x: { id: string }) => x.id)).not.toContain(c.id);
  });

  it('keeps sandbox and live apart', async () => {
    const c = (await post(m.key, validCustomer())).json();
    await t.app.inject({ method: 'POST', url: `/admin/v1/merchants/${m.id}/live_access`, headers: adminHeaders });
    const live = (await t.app.inject({ method: 'POST', url: `/admin/v1/merchants/${m.id}/keys`, headers: adminHeaders, payload: { mode: 'live' } })).json();
    expect((await t.app.inject({ url: `/v1/customers/${c.id}`, headers: bearer(live.api_key) })).statusCode).toBe(404);
    const created = await post(live.api_key, validCustomer());
    expect(created.json().livemode).toBe(true);
  });

  it('needs a key, and a write scope to create', async () => {
    expect((await post('', validCustomer())).statusCode).toBe(401);
    const ro = (await t.app.inject({ method: 'POST', url: `/admin/v1/merchants/${m.id}/keys`, headers: adminHeaders, payload: { mode: 'sandbox', scopes: ['read'] } })).json();
    expect((await post(ro.api_key, validCustomer())).statusCode).toBe(403);
    expect((await t.app.inject({ url: '/v1/customers', headers: bearer(ro.api_key) })).statusCode).toBe(200);
  });
});
