import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loggerOptions } from '../../src/http/logger.ts';
import { balance, lookupAccounts, verifyLedger } from '../../src/ledger/index.ts';
import { merchantAccountId } from '../../src/accounts/index.ts';
import { SANDBOX_FAILING_NUMBER } from '../../src/sms/index.ts';
import { adminHeaders, bearer, buildTestApp, createMerchant, onPostgres, type TestApp } from '../harness.ts';
import { customerWithAccount } from '../fixtures/flows.ts';

const lines: string[] = [];
const sink = new Writable({
  write(chunk, _enc, cb) {
    lines.push(String(chunk));
    cb();
  },
});

let t: TestApp;
let m: { id: string; key: string };
beforeAll(async () => {
  t = await buildTestApp({ logger: pino(loggerOptions('trace'), sink) as never });
  m = await createMerchant(t.app, 'SMS Co');
  await deposit(m.key, 1_000);
});
afterAll(async () => t.close());

const US = '+14155552671';
const post = (url: string, payload: object, key = m.key, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url, headers: { ...bearer(key), ...headers }, payload });
const get = (url: string, key = m.key) => t.app.inject({ url, headers: bearer(key) });
const send = (payload: object, key = m.key, headers: Record<string, string> = {}) => post('/v1/sms', payload, key, headers);
const admin = (method: 'GET' | 'PUT' | 'POST' | 'DELETE', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: adminHeaders, ...(payload ? { payload } : {}) });

async function deposit(key: string, amount: number) {
  const res = await post('/v1/simulate/wallet_deposits', { currency: 'USD', amount }, key);
  expect(res.statusCode, res.body).toBe(200);
}

/** The merchant's USD wallet and provider settlement, from the ledger. */
async function money(merchantId = m.id) {
  const owner = { merchantId, mode: 'sandbox' as const };
  const [wallet, provider] = await lookupAccounts(t.db, [merchantAccountId(owner, 'USD', 'wallet'), merchantAccountId(owner, 'USD', 'provider_settlement')]);
  return {
    wallet: wallet ? balance(wallet).available : 0n,
    owed: provider ? provider.creditsPosted : 0n,
    held: provider ? provider.creditsPending : 0n,
  };
}

async function transfersOf(smsId: string) {
  const { rows } = await t.db.query<{ id: string; code: string; flags: string[] | number }>(
    'SELECT id, code FROM ledger_transfers WHERE user_data = $1 ORDER BY id', [smsId]);
  return rows.map((r) => `${r.id.slice(smsId.length)} ${r.code}`);
}

describe('POST /v1/sms in sandbox', () => {
  it('delivers a GSM-7 text into the outbox at once: one segment, one cent, held then posted to provider settlement', async () => {
    const before = await money();
    const res = await send({ to: US, text: 'Your table is ready.' });
    expect(res.statusCode, res.body).toBe(201);
    const sms = res.json();
    expect(sms).toMatchObject({
      object: 'sms', to: US, customer_id: null, country: 'US', encoding: 'GSM-7', segments: 1, price: 1, currency: 'USD', status: 'delivered', failure_reason: null,
    });
    expect(sms.id).toMatch(/^sms_/);
    expect(sms).not.toHaveProperty('text');
    const after = await money();
    expect(after.wallet).toBe(before.wallet - 1n);
    expect(after.owed).toBe(before.owed + 1n);
    expect(after.held).toBe(0n);
    expect(await transfersOf(sms.id)).toEqual([':hold sms', ':hold:post sms_delivered']);
    const outbox = (await get('/v1/simulate/notifications?limit=5')).json();
    expect(outbox.data[0]).toMatchObject({ channel: 'sms', kind: 'sms', recipient: US, body: 'Your table is ready.', status: 'stored' });
    expect((await get(`/v1/sms/${sms.id}`)).json()).toEqual(sms);
    const events = (await t.db.query("SELECT data FROM events WHERE type = 'sms.delivered' AND merchant_id = $1", [m.id])).rows;
    expect(events.map((e) => (e.data as { object: { id: string } }).object.id)).toContain(sms.id);
    expect((await verifyLedger(t.db)).ok).toBe(true);
  });

  it.each([
    ['161 GSM-7 characters', 'a'.repeat(161), 'GSM-7', 2],
    ['an extension character counts 2', `${'a'.repeat(159)}€`, 'GSM-7', 2],
    ['one accent outside GSM-7 makes it UCS-2', 'Rendez-vous à 15h, café ☕', 'UCS-2', 1],
    ['71 UCS-2 code units', 'ж'.repeat(71), 'UCS-2', 2],
  ])('counts segments and prices each: %s', async (_name, text, encoding, segments) => {
    const res = await send({ to: US, text });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ encoding, segments, price: segments });
  });

  it(`fails to ${SANDBOX_FAILING_NUMBER}: the hold is voided, the wallet is whole, sms.failed`, async () => {
    const before = await money();
    const res = await send({ to: SANDBOX_FAILING_NUMBER, text: 'This one fails.' });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ status: 'failed', failure_reason: expect.stringContaining('sandbox'), price: 1 });
    expect(await money()).toEqual(before);
    expect(await transfersOf(res.json().id)).toEqual([':hold sms', ':hold:void sms_failed']);
    expect((await t.db.query("SELECT 1 FROM events WHERE type = 'sms.failed' AND data->'object'->>'id' = $1", [res.json().id])).rows).toHaveLength(1);
    const outbox = (await get('/v1/simulate/notifications?limit=1')).json();
    expect(outbox.data[0]).toMatchObject({ recipient: SANDBOX_FAILING_NUMBER, status: 'failed' });
    expect((await verifyLedger(t.db)).ok).toBe(true);
  });

  it('refuses with 422 insufficient_funds when the wallet cannot pay, and writes nothing', async () => {
    const poor = await createMerchant(t.app, 'Poor');
    await deposit(poor.key, 1);
    const counts = async () => (await t.db.query<{ sms: number; ntf: number; transfers: number }>(
      `SELECT (SELECT count(*)::int FROM sms_messages WHERE merchant_id = $1) AS sms,
              (SELECT count(*)::int FROM notifications WHERE merchant_id = $1) AS ntf,
              (SELECT count(*)::int FROM ledger_transfers) AS transfers`, [poor.id])).rows[0];
    const before = { counts: await counts(), money: await money(poor.id) };
    const res = await send({ to: US, text: 'x'.repeat(200) }, poor.key); // 2 segments: 2 cents, the wallet has 1
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json().error.code).toBe('insufficient_funds');
    expect({ counts: await counts(), money: await money(poor.id) }).toEqual(before);
    expect((await send({ to: US, text: 'short' }, poor.key)).json().status).toBe('delivered');
    expect(await money(poor.id)).toMatchObject({ wallet: 0n, owed: 1n, held: 0n });
  });

  it("sends to a customer's phone in E.164 with customer_id", async () => {
    const { customerId } = await customerWithAccount(t.app, m.key); // +33 6 12 34 56 78
    const res = await send({ customer_id: customerId, text: 'Bonjour' });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ to: '+33612345678', customer_id: customerId, country: 'FR', price: 8, status: 'delivered' });
    const other = await createMerchant(t.app, 'Other');
    await deposit(other.key, 100);
    expect((await send({ customer_id: customerId, text: 'hi' }, other.key)).statusCode).toBe(404);
  });

  it('lists newest first, filters by status, pages', async () => {
    const list = (await get('/v1/sms?limit=2')).json();
    expect(list.data).toHaveLength(2);
    expect(list.has_more).toBe(true);
    const next = (await get(`/v1/sms?limit=100&starting_after=${list.data[1].id}`)).json();
    expect(next.data.map((s: { id: string }) => s.id)).not.toContain(list.data[0].id);
    const failed = (await get('/v1/sms?status=failed&limit=100')).json();
    expect(failed.data.length).toBeGreaterThan(0);
    expect(failed.data.every((s: { status: string }) => s.status === 'failed')).toBe(true);
  });

  it('replays an Idempotency-Key: one message, one hold', async () => {
    const headers = { 'idempotency-key': 'sms-once-1' };
    const first = await send({ to: US, text: 'Once' }, m.key, headers);
    const again = await send({ to: US, text: 'Once' }, m.key, headers);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
    expect(await transfersOf(first.json().id)).toHaveLength(2);
    expect((await t.db.query('SELECT count(*)::int AS n FROM sms_messages WHERE id = $1', [first.json().id])).rows[0]!.n).toBe(1);
  });
});

describe('POST /v1/sms refusals', () => {
  it.each([
    ['neither to nor customer_id', 400, 'parameter_invalid', 'to', { text: 'hi' }],
    ['both to and customer_id', 400, 'parameter_invalid', 'customer_id', { to: US, customer_id: 'cus_x', text: 'hi' }],
    ['a number that is not E.164', 400, 'parameter_invalid', 'to', { to: '4155552671', text: 'hi' }],
    ['a landline (cannot receive SMS)', 400, 'parameter_invalid', 'to', { to: '+33142685300', text: 'hi' }],
    ['an empty text', 400, 'parameter_invalid', 'text', { to: US, text: '' }],
    ['11 segments', 400, 'parameter_invalid', 'text', { to: US, text: 'a'.repeat(1531) }],
    ['over 1600 characters', 400, 'parameter_invalid', 'text', { to: US, text: 'a'.repeat(1601) }],
    ['11 UCS-2 segments', 400, 'parameter_invalid', 'text', { to: US, text: 'ж'.repeat(671) }],
    ['an unknown field', 400, 'parameter_invalid', 'from', { to: US, text: 'hi', from: '+1' }],
    ['a country without a price (Japan)', 422, 'country_not_supported', 'to', { to: '+819012345678', text: 'hi' }],
    ['an unknown customer', 404, 'resource_not_found', 'customer_id', { customer_id: 'cus_01jabcdefghjkmnpqrstvwxyz0', text: 'hi' }],
  ] as const)('%s → %i %s', async (_name, status, code, param, payload) => {
    const before = (await t.db.query('SELECT count(*)::int AS n FROM sms_messages')).rows[0]!.n;
    const res = await send(payload);
    expect(res.statusCode, res.body).toBe(status);
    expect(res.json().error).toMatchObject({ code, param });
    expect((await t.db.query('SELECT count(*)::int AS n FROM sms_messages')).rows[0]!.n).toBe(before);
  });

  it('refuses a number on the operator block list (422 recipient_blocked) until it is unblocked; audited', async () => {
    const number = '+14155550123';
    const blocked = await admin('POST', '/admin/v1/sms/blocked_numbers', { number, reason: 'complaint' });
    expect(blocked.statusCode, blocked.body).toBe(200);
    expect((await admin('POST', '/admin/v1/sms/blocked_numbers', { number })).json()).toMatchObject({ number, reason: 'complaint' });
    expect((await admin('GET', '/admin/v1/sms/blocked_numbers')).json().data).toEqual([expect.objectContaining({ number })]);
    const res = await send({ to: number, text: 'hi' });
    expect(res.statusCode).toBe(422);
    expect(res.json().error).toMatchObject({ code: 'recipient_blocked', param: 'to' });
    expect((await admin('DELETE', `/admin/v1/sms/blocked_numbers/${encodeURIComponent(number)}`)).statusCode).toBe(200);
    expect((await admin('DELETE', `/admin/v1/sms/blocked_numbers/${encodeURIComponent(number)}`)).statusCode).toBe(404);
    expect((await send({ to: number, text: 'hi' })).json().status).toBe('delivered');
    const audit = (await t.db.query("SELECT action FROM audit_log WHERE action LIKE 'sms.number.%' ORDER BY id")).rows.map((r) => r.action);
    expect(audit).toEqual(['sms.number.block', 'sms.number.block', 'sms.number.unblock']);
    expect((await admin('POST', '/admin/v1/sms/blocked_numbers', { number: '12345' })).statusCode).toBe(400);
  });

  it('refuses a country the operator switched SMS off for, and leaves it out of /v1/sms/countries', async () => {
    expect((await admin('PUT', '/admin/v1/countries/CA', { services: { sms: false } })).statusCode).toBe(200);
    const res = await send({ to: '+16135550123', text: 'hi' });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json().error).toMatchObject({ code: 'country_not_supported', param: 'to' });
    expect((await get('/v1/sms/countries')).json().data.map((c: { country: string }) => c.country)).not.toContain('CA');
    await admin('PUT', '/admin/v1/countries/CA', { services: { sms: true } });
    expect((await send({ to: '+16135550123', text: 'hi' })).json()).toMatchObject({ country: 'CA', status: 'delivered' });
  });

  it('refuses live SMS while no provider is configured (422 sms_unavailable)', async () => {
    await t.app.inject({ method: 'POST', url: `/admin/v1/merchants/${m.id}/live_access`, headers: adminHeaders });
    const live = (await admin('POST', `/admin/v1/merchants/${m.id}/keys`, { mode: 'live' })).json().api_key as string;
    const res = await send({ to: US, text: 'hi' }, live);
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json().error.code).toBe('sms_unavailable');
  });
});

describe('SMS security', () => {
  it('needs a key; another merchant or the other mode sees 404; merchants cannot use the admin routes', async () => {
    const sms = (await send({ to: US, text: 'mine' })).json();
    expect((await t.app.inject({ method: 'POST', url: '/v1/sms', payload: { to: US, text: 'x' } })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'POST', url: '/v1/sms', headers: bearer('sk_sandbox_wrong'), payload: { to: US, text: 'x' } })).statusCode).toBe(401);
    expect((await t.app.inject({ url: '/v1/sms' })).statusCode).toBe(401);
    const other = await createMerchant(t.app, 'Nosy');
    expect((await get(`/v1/sms/${sms.id}`, other.key)).statusCode).toBe(404);
    expect((await get('/v1/sms?limit=100', other.key)).json().data).toEqual([]);
    const live = (await admin('POST', `/admin/v1/merchants/${m.id}/keys`, { mode: 'live' })).json().api_key as string;
    expect((await get(`/v1/sms/${sms.id}`, live)).statusCode).toBe(404);
    expect((await get('/v1/sms/not_an_id')).statusCode).toBe(404);
    // A merchant's key on the operator routes: test/http/security/auth.security.test.ts.
    const readOnly = (await admin('POST', `/admin/v1/merchants/${m.id}/keys`, { mode: 'sandbox', scopes: ['read'] })).json().api_key as string;
    expect((await send({ to: US, text: 'x' }, readOnly)).json().error.code).toBe('insufficient_scope');
  });

  it('keeps the text out of every table in clear and out of the logs, on success and on refusal', async () => {
    const secret = 'Code-zq8v1K-never-logged';
    await send({ to: US, text: `${secret} ok` });
    await send({ to: US, text: `${secret} ${'a'.repeat(1600)}` });
    await send({ to: '+819012345678', text: `${secret} japan` });
    const poor = await createMerchant(t.app, 'Poor logs');
    await send({ to: US, text: `${secret} poor` }, poor.key);
    await post('/krezypay/v1/sandbox/sms/send', { phone: US, message: `${secret} krezy` });
    expect(lines.join('')).not.toContain(secret);
    const tables = (await t.db.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")).rows;
    let dump = '';
    for (const { table_name } of tables) {
      const rows = (await t.db.query(`SELECT * FROM "${table_name}"`)).rows;
      dump += JSON.stringify(rows, (_k, v) => (typeof v === 'bigint' ? v.toString() : v && v.type === 'Buffer' ? Buffer.from(v.data).toString('latin1') : v));
    }
    expect(dump.length).toBeGreaterThan(1000);
    expect(dump).not.toContain(secret);
  });
});

describe('prices and countries', () => {
  it('GET /v1/sms/countries: the sandbox default table, at least the United States', async () => {
    const res = await get('/v1/sms/countries');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data).toContainEqual({ object: 'sms_country', country: 'US', name: 'United States', price_per_segment: 1, currency: 'USD' });
  });

  it('the operator replaces a mode\'s table (audited); bad tables are refused whole', async () => {
    expect((await admin('GET', '/admin/v1/sms/prices?mode=live')).json().data).toEqual([]);
    const put = await admin('PUT', '/admin/v1/sms/prices', { mode: 'live', prices: [{ country: 'US', currency: 'USD', price_per_segment: 2 }, { country: 'CM', currency: 'XAF', price_per_segment: 25 }] });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json().data).toEqual([
      expect.objectContaining({ mode: 'live', country: 'CM', currency: 'XAF', price_per_segment: 25, name: 'Cameroon' }),
      expect.objectContaining({ mode: 'live', country: 'US', currency: 'USD', price_per_segment: 2 }),
    ]);
    expect((await admin('GET', '/admin/v1/sms/prices?mode=sandbox')).json().data.length).toBeGreaterThanOrEqual(1);
    for (const [prices, param] of [
      [[{ country: 'US', currency: 'USD', price_per_segment: 1 }, { country: 'US', currency: 'USD', price_per_segment: 2 }], 'prices.1.country'],
      [[{ country: 'ZZ', currency: 'USD', price_per_segment: 1 }], 'prices.0.country'],
      [[{ country: 'US', currency: 'ABC', price_per_segment: 1 }], 'prices.0.currency'],
      [[{ country: 'US', currency: 'USD', price_per_segment: 0 }], 'prices.0.price_per_segment'],
      [[{ country: 'US', currency: 'USD', price_per_segment: 1.5 }], 'prices.0.price_per_segment'],
    ] as const) {
      const res = await admin('PUT', '/admin/v1/sms/prices', { mode: 'live', prices });
      expect(res.statusCode, JSON.stringify(prices)).toBe(400);
      expect(res.json().error.param).toBe(param);
    }
    expect((await admin('GET', '/admin/v1/sms/prices?mode=live')).json().data).toHaveLength(2);
    expect((await t.db.query("SELECT count(*)::int AS n FROM audit_log WHERE action = 'sms.prices.update'")).rows[0]!.n).toBe(1);
  });
});

describe('KrezyPay SMS facade', () => {
  const krezy = (op: string, payload: object, key = m.key, mode = 'sandbox') => post(`/krezypay/v1/${mode}/${op}`, payload, key);

  it('sms/schema: the fields and limits; with a country its price; with a message its segments and price', async () => {
    const bare = await krezy('sms/schema', {});
    expect(bare.statusCode, bare.body).toBe(200);
    expect(bare.json()).toMatchObject({
      status: 'success', max_segments: 10, encodings: { 'GSM-7': { single: 160, per_part: 153 }, 'UCS-2': { single: 70, per_part: 67 } },
    });
    expect(bare.json().fields).toHaveProperty('phone');
    const priced = (await krezy('sms/schema', { country: 'US', message: 'x'.repeat(200) })).json();
    expect(priced).toMatchObject({ country: 'US', price_per_segment: '0.01', currency: 'USD', segments: 2, encoding: 'GSM-7', price: '0.02' });
    const unpriced = await krezy('sms/schema', { country: 'JP' });
    expect(unpriced.statusCode).toBe(422);
    expect(unpriced.json()).toEqual({ status: 'error', error: expect.stringContaining('JP') });
  });

  it('sms/send: KrezyPay names, decimal price, the native SMS behind it', async () => {
    const res = await krezy('sms/send', { phone: US, message: 'Hello from KrezyPay' });
    expect(res.statusCode, res.body).toBe(200);
    const b = res.json();
    expect(b).toMatchObject({ status: 'success', message: 'SMS accepted.', sms_status: 'delivered', phone: US, segments: 1, encoding: 'GSM-7', price: '0.01', currency: 'USD' });
    expect((await get(`/v1/sms/${b.sms_id}`)).json().status).toBe('delivered');
  });

  it('sms/send refusals in KrezyPay\'s error body', async () => {
    const poor = await createMerchant(t.app, 'Krezy poor');
    const funds = await krezy('sms/send', { phone: US, message: 'hi' }, poor.key);
    expect(funds.statusCode).toBe(422);
    expect(funds.json()).toEqual({ status: 'error', error: expect.stringContaining('Not enough money') });
    expect((await krezy('sms/send', { phone: 'nope', message: 'hi' })).json().status).toBe('error');
    expect((await krezy('sms/send', { phone: US })).statusCode).toBe(422);
    expect((await krezy('sms/send', { phone: US, message: 'hi' }, 'sk_sandbox_wrong')).statusCode).toBe(401);
    expect((await krezy('sms/send', { phone: US, message: 'hi' }, m.key, 'live')).statusCode).toBe(401);
  });

  it('sms/countries: where and at what price, as decimal strings', async () => {
    const res = await t.app.inject({ url: '/krezypay/v1/sandbox/sms/countries', headers: bearer(m.key) });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().status).toBe('success');
    expect(res.json().countries).toContainEqual({ code: 'US', name: 'United States', price_per_segment: '0.01', currency: 'USD' });
  });
});

describe('per-merchant rate', () => {
  it('refuses the message over the rate with 429 and Retry-After, nothing held, per merchant', async () => {
    const limited = await buildTestApp({ config: { smsPerMinute: 2 } });
    try {
      const a = await createMerchant(limited.app, 'Rate A');
      const b = await createMerchant(limited.app, 'Rate B');
      for (const k of [a.key, b.key]) await limited.app.inject({ method: 'POST', url: '/v1/simulate/wallet_deposits', headers: bearer(k), payload: { currency: 'USD', amount: 100 } });
      const sendAs = (key: string, headers: Record<string, string> = {}) =>
        limited.app.inject({ method: 'POST', url: '/v1/sms', headers: { ...bearer(key), ...headers }, payload: { to: US, text: 'hi' } });
      expect((await sendAs(a.key)).statusCode).toBe(201);
      expect((await sendAs(a.key)).statusCode).toBe(201);
      const third = await sendAs(a.key, { 'idempotency-key': 'rate-1' });
      expect(third.statusCode, third.body).toBe(429);
      expect(third.json().error.code).toBe('rate_limited');
      expect(third.headers['retry-after']).toBe('60');
      expect((await sendAs(b.key)).statusCode).toBe(201);
      limited.clock.advance(61_000);
      // The refusal was not stored under its key: the same key is tried afresh once the minute has passed.
      expect((await sendAs(a.key, { 'idempotency-key': 'rate-1' })).statusCode).toBe(201);
    } finally {
      await limited.close();
    }
  });
});

describe.skipIf(!onPostgres)('SMS under concurrency (PostgreSQL)', () => {
  it('12 sends at once: the rate lets exactly its number through, and a wallet for 5 pays for exactly 5', async () => {
    const limited = await buildTestApp({ config: { smsPerMinute: 3 } });
    try {
      const sendAs = (key: string) => limited.app.inject({ method: 'POST', url: '/v1/sms', headers: bearer(key), payload: { to: US, text: 'hi' } });
      const fund = (key: string, amount: number) =>
        limited.app.inject({ method: 'POST', url: '/v1/simulate/wallet_deposits', headers: bearer(key), payload: { currency: 'USD', amount } });
      const rated = await createMerchant(limited.app, 'Concurrent rate');
      await fund(rated.key, 100);
      const byRate = await Promise.all(Array.from({ length: 12 }, () => sendAs(rated.key)));
      expect(byRate.filter((r) => r.statusCode === 201)).toHaveLength(3);
      expect(byRate.filter((r) => r.statusCode === 429)).toHaveLength(9);

      const unlimited = await buildTestApp({ config: { smsPerMinute: 1000 } });
      try {
        const poor = await createMerchant(unlimited.app, 'Concurrent funds');
        await unlimited.app.inject({ method: 'POST', url: '/v1/simulate/wallet_deposits', headers: bearer(poor.key), payload: { currency: 'USD', amount: 5 } });
        const byFunds = await Promise.all(Array.from({ length: 12 }, () =>
          unlimited.app.inject({ method: 'POST', url: '/v1/sms', headers: bearer(poor.key), payload: { to: US, text: 'hi' } })));
        expect(byFunds.filter((r) => r.statusCode === 201)).toHaveLength(5);
        expect(byFunds.filter((r) => r.statusCode === 422).every((r) => r.json().error.code === 'insufficient_funds')).toBe(true);
        const owner = { merchantId: poor.id, mode: 'sandbox' as const };
        const [wallet] = await lookupAccounts(unlimited.db, [merchantAccountId(owner, 'USD', 'wallet')]);
        expect(balance(wallet!).available).toBe(0n);
        expect((await verifyLedger(unlimited.db)).ok).toBe(true);
      } finally {
        await unlimited.close();
      }
    } finally {
      await limited.close();
    }
  });
});
