import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, bearer, buildTestApp, createMerchant, onPostgres, type TestApp } from '../harness.ts';
import { customerWithAccount, issueCard, revealKey, shipping } from '../fixtures/flows.ts';
import { luhnValid } from '../../src/lib/luhn.ts';

let t: TestApp;
let m: { id: string; key: string };

beforeAll(async () => {
  t = await buildTestApp();
  m = await createMerchant(t.app, 'Cards Co');
});
afterAll(async () => t.close());

const get = (url: string, key = m.key) => t.app.inject({ url, headers: bearer(key) });
const send = (method: 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, payload?: object, key = m.key) =>
  t.app.inject({ method, url, headers: bearer(key), ...(payload ? { payload } : {}) });

describe('virtual cards', () => {
  it('issues a card, shows it masked with ledger balances, reveals it with the right scope', async () => {
    const { accountId, customerId } = await customerWithAccount(t.app, m.key);
    const card = await issueCard(t.app, m.key, accountId, { type: 'virtual', nickname: 'Travel' });
    expect(card).toMatchObject({ object: 'card', status: 'ACTIVE', type: 'virtual', brand: 'VISA', tier: 'standard', currency: 'USD', balance: 0, authorization_balance: 0, nickname: 'Travel', customer_id: customerId, shipping: null });
    expect(card.masked_number).toMatch(/^4242 \*{4} \*{4} \d{4}$/);
    expect(card.card_token).toMatch(/^[0-9a-f]{64}$/);
    expect(card.expire_in_months).toBe(36);
    // No run of 13–19 digits outside the token (a random 64-hex token has such runs by chance, ~1 card in 10).
    expect(JSON.stringify({ ...card, card_token: null })).not.toMatch(/\d{13,19}/);

    const denied = await get(`/v1/cards/${card.id}/details`);
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error.code).toBe('insufficient_scope');
    const revealer = await revealKey(t.app, m.id);
    const details = await get(`/v1/cards/${card.id}/details`, revealer);
    expect(details.statusCode).toBe(200);
    const d = details.json();
    expect(luhnValid(d.number)).toBe(true);
    expect(d.number.slice(-4)).toBe(card.last4);
    expect(JSON.stringify(card)).not.toContain(d.number);
    expect(d.cvv).toMatch(/^\d{3}$/);
    expect((await get(`/v1/cards/${card.id}/details`, revealer)).json().cvv).toBe(d.cvv);
    const audits = await t.db.query("SELECT 1 FROM audit_log WHERE action = 'card.reveal' AND target = $1", [card.id]);
    expect(audits.rows).toHaveLength(2);
  });

  it('allows one virtual and one physical card per account (422 card_limit_reached), terminated cards do not count', async () => {
    const { accountId } = await customerWithAccount(t.app, m.key);
    const first = await issueCard(t.app, m.key, accountId);
    const second = await send('POST', `/v1/accounts/${accountId}/cards`, { type: 'virtual' });
    expect(second.statusCode).toBe(422);
    expect(second.json().error.code).toBe('card_limit_reached');
    await issueCard(t.app, m.key, accountId, { type: 'physical', shipping_address: shipping });
    expect((await send('DELETE', `/v1/cards/${first.id}`)).json().status).toBe('TERMINATED');
    await issueCard(t.app, m.key, accountId);
    const list = (await get(`/v1/accounts/${accountId}/cards`)).json();
    expect(list.data).toHaveLength(3);
  });

  it('moves through the state machine and refuses illegal transitions with 409 naming the status', async () => {
    const { accountId } = await customerWithAccount(t.app, m.key);
    const card = await issueCard(t.app, m.key, accountId);
    expect((await send('PATCH', `/v1/cards/${card.id}/activate`)).statusCode).toBe(409);
    expect((await send('PATCH', `/v1/cards/${card.id}/deactivate`)).json().status).toBe('INACTIVE');
    expect((await send('PATCH', `/v1/cards/${card.id}/activate`)).json().status).toBe('ACTIVE');
    const terminated = await send('DELETE', `/v1/cards/${card.id}`);
    expect(terminated.json().status).toBe('TERMINATED');
    const again = await send('PATCH', `/v1/cards/${card.id}/activate`);
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toMatchObject({ code: 'invalid_card_status' });
    expect(again.json().error.message).toContain('TERMINATED');
    const types = (await t.db.query<{ type: string }>("SELECT type FROM events WHERE data->'object'->>'id' = $1 ORDER BY id", [card.id])).rows.map((r) => r.type);
    expect(types).toEqual(['card.created', 'card.updated', 'card.updated', 'card.terminated']);
  });

  it('updates nickname, default and recurring; one default per customer', async () => {
    const { accountId, customerId } = await customerWithAccount(t.app, m.key);
    const a = await issueCard(t.app, m.key, accountId);
    const b = await issueCard(t.app, m.key, accountId, { type: 'physical', shipping_address: shipping });
    expect((await send('PATCH', `/v1/cards/${a.id}`, { is_default: true, nickname: 'Main' })).json()).toMatchObject({ is_default: true, nickname: 'Main' });
    expect((await send('PATCH', `/v1/cards/${b.id}`, { is_default: true, is_recurring: true })).json()).toMatchObject({ is_default: true, is_recurring: true });
    expect((await get(`/v1/cards/${a.id}`)).json().is_default).toBe(false);
    expect((await send('PATCH', `/v1/cards/${a.id}`, { nickname: null })).json().nickname).toBeNull();
    const list = (await get(`/v1/cards?customer_id=${customerId}&type=physical`)).json();
    expect(list.data.map((c: { id: string }) => c.id)).toEqual([b.id]);
    expect((await send('PATCH', `/v1/cards/${a.id}`, { balance: 5 })).statusCode).toBe(400);
  });

  it('filters by status and expire_in_months', async () => {
    const { accountId } = await customerWithAccount(t.app, m.key);
    const card = await issueCard(t.app, m.key, accountId);
    const soon = (await get('/v1/cards?expire_in_months=12&limit=100')).json();
    expect(soon.data.map((c: { id: string }) => c.id)).not.toContain(card.id);
    const later = (await get('/v1/cards?expire_in_months=36&limit=100')).json();
    expect(later.data.map((c: { id: string }) => c.id)).toContain(card.id);
    const inactive = (await get('/v1/cards?card_status=INACTIVE&limit=100')).json();
    expect(inactive.data.every((c: { status: string }) => c.status === 'INACTIVE')).toBe(true);
  });
});

describe('physical cards', () => {
  it('orders, ships, delivers, activates with the code once KYC passed, sets a PIN', async () => {
    const { accountId, customerId } = await customerWithAccount(t.app, m.key);
    const missing = await send('POST', `/v1/accounts/${accountId}/cards`, { type: 'physical' });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.param).toBe('shipping_address');
    const card = await issueCard(t.app, m.key, accountId, { type: 'physical', shipping_address: shipping, brand: 'MASTERCARD' });
    expect(card).toMatchObject({ status: 'PENDING_ACTIVATION', brand: 'MASTERCARD', shipping: { status: 'ordered', address: shipping } });
    expect((await send('POST', `/v1/simulate/cards/${card.id}/shipment`, { status: 'delivered' })).statusCode).toBe(409);
    expect((await send('POST', `/v1/simulate/cards/${card.id}/shipment`, { status: 'shipped' })).json().shipping.status).toBe('shipped');
    const delivered = (await send('POST', `/v1/simulate/cards/${card.id}/shipment`, { status: 'delivered' })).json();
    expect(delivered.shipping).toMatchObject({ status: 'delivered', tracking: expect.stringMatching(/^TRK/) });

    const outbox = (await get(`/v1/simulate/notifications?customer_id=${customerId}`)).json();
    const code = /Activation code: (\d{8})/.exec(outbox.data[0].body)?.[1];
    expect(code).toBeTruthy();
    const early = await send('POST', `/v1/cards/${card.id}/activate_physical`, { activation_code: code });
    expect(early.statusCode).toBe(422);
    expect(early.json().error.code).toBe('kyc_not_passed');

    // pass KYC, then a wrong code counts, the right one activates
    const { dataUrl, jpeg, png } = await import('../fixtures/images.ts');
    await send('POST', `/v1/customers/${customerId}/kyc`, { identification_type: 'PASSPORT', identification_number: 'X1234567', identification_expiry_date: '2099-01-01', front_image: dataUrl('image/jpeg', jpeg()), handheld_image: dataUrl('image/png', png()) });
    await send('POST', `/v1/simulate/kyc/${customerId}`, { decision: 'PASSED' });
    const wrong = await send('POST', `/v1/cards/${card.id}/activate_physical`, { activation_code: '00000000' === code ? '11111111' : '00000000' });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json().error.code).toBe('activation_code_invalid');
    const active = await send('POST', `/v1/cards/${card.id}/activate_physical`, { activation_code: code });
    expect(active.statusCode, active.body).toBe(200);
    expect(active.json().status).toBe('ACTIVE');
    expect((await send('POST', `/v1/cards/${card.id}/activate_physical`, { activation_code: code })).statusCode).toBe(409);

    for (const pin of ['12345', '1234567', '111111', '123456', '987654', 'abcdef']) {
      const res = await send('PUT', `/v1/cards/${card.id}/pin`, { pin });
      expect(res.statusCode, pin).toBe(400);
      expect(res.json().error.param).toBe('pin');
    }
    const withPin = await send('PUT', `/v1/cards/${card.id}/pin`, { pin: '375426' });
    expect(withPin.json()).toMatchObject({ pin_set: true, pin_blocked: false });
  });

  it('locks activation after five wrong codes until the operator resets it', async () => {
    const { accountId } = await customerWithAccount(t.app, m.key, { kyc: true });
    const card = await issueCard(t.app, m.key, accountId, { type: 'physical', shipping_address: shipping });
    for (let i = 0; i < 5; i++) {
      expect((await send('POST', `/v1/cards/${card.id}/activate_physical`, { activation_code: `9999999${i}` })).json().error.code).toBe('activation_code_invalid');
    }
    expect((await send('POST', `/v1/cards/${card.id}/activate_physical`, { activation_code: '12345678' })).json().error.code).toBe('activation_locked');
    const reset = await t.app.inject({ method: 'POST', url: `/admin/v1/cards/${card.id}/reset_activation`, headers: adminHeaders });
    expect(reset.statusCode, reset.body).toBe(200);
    const outbox = (await get(`/v1/simulate/notifications?customer_id=${card.customer_id}`)).json();
    const code = /Activation code: (\d{8})/.exec(outbox.data[0].body)![1];
    expect((await send('POST', `/v1/cards/${card.id}/activate_physical`, { activation_code: code })).json().status).toBe('ACTIVE');
  });

  it('assigns imported stock cards to KYC-passed customers only', async () => {
    const { generatePan } = await import('../../src/crypto/index.ts');
    const numbers = [generatePan('493724'), generatePan('493724')];
    const bad = await t.app.inject({ method: 'POST', url: '/admin/v1/card_stock', headers: adminHeaders, payload: { merchant_id: m.id, mode: 'sandbox', cards: [
      { card_number: numbers[0], brand: 'VISA', exp_month: 7, exp_year: 2029, currency: 'USD' },
      { card_number: '4111111111111112', brand: 'VISA', exp_month: 7, exp_year: 2029, currency: 'USD' },
    ] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.param).toBe('cards.1.card_number');
    const stock = numbers.map((n) => ({ card_number: n, brand: 'VISA', exp_month: 7, exp_year: 2029, currency: 'USD' }));
    const imported = await t.app.inject({
      method: 'POST', url: '/admin/v1/card_stock', headers: adminHeaders, payload: { merchant_id: m.id, mode: 'sandbox', cards: stock },
    });
    expect(imported.json()).toEqual({ object: 'card_stock_import', imported: 2 });
    const noKyc = await customerWithAccount(t.app, m.key);
    const refused = await send('POST', '/v1/cards/assign', { account_id: noKyc.accountId, card_number: numbers[0], auto_activate: true });
    expect(refused.json().error.code).toBe('kyc_not_passed');
    const passed = await customerWithAccount(t.app, m.key, { kyc: true });
    const card = await send('POST', '/v1/cards/assign', { account_id: passed.accountId, card_number: numbers[0], auto_activate: true });
    expect(card.statusCode, card.body).toBe(201);
    expect(card.json()).toMatchObject({ type: 'physical', status: 'ACTIVE', last4: numbers[0]!.slice(-4), exp_month: 7, exp_year: 2029 });
    const twice = await send('POST', '/v1/cards/assign', { account_id: passed.accountId, card_number: numbers[0], auto_activate: true });
    expect(twice.statusCode).toBe(404);
  });
});

describe('card security', () => {
  // Another merchant's cards and accounts, and live keys on sandbox cards, on every route: test/http/security.
  it('keeps no PAN, CVV or PIN in clear anywhere in the database', async () => {
    const { accountId } = await customerWithAccount(t.app, m.key, { kyc: true });
    const card = await issueCard(t.app, m.key, accountId, { type: 'physical', shipping_address: shipping });
    await send('PUT', `/v1/cards/${card.id}/pin`, { pin: '375426' });
    const revealer = await revealKey(t.app, m.id);
    const { number, cvv } = (await get(`/v1/cards/${card.id}/details`, revealer)).json();
    const tables = (await t.db.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")).rows;
    let dump = '';
    for (const { table_name } of tables) {
      const rows = (await t.db.query(`SELECT * FROM "${table_name}"`)).rows;
      dump += JSON.stringify(rows, (_k, v) => (typeof v === 'bigint' ? v.toString() : v && v.type === 'Buffer' ? Buffer.from(v.data).toString('latin1') : v));
    }
    expect(dump.length).toBeGreaterThan(1000);
    expect(dump).not.toContain(number);
    expect(dump).not.toContain(number.slice(6));
    expect(dump).not.toMatch(new RegExp(`"(cvv|cvc)":"${cvv}"`));
    expect(dump).not.toContain('375426');
  });
});

describe.skipIf(!onPostgres)('cards under concurrency (PostgreSQL)', () => {
  it('10 concurrent card creations on one account give exactly one virtual card', async () => {
    const { accountId } = await customerWithAccount(t.app, m.key);
    const results = await Promise.all(Array.from({ length: 10 }, () => send('POST', `/v1/accounts/${accountId}/cards`, { type: 'virtual' })));
    const codes = results.map((r) => r.statusCode).sort();
    expect(codes.filter((c) => c === 201)).toHaveLength(1);
    expect(codes.filter((c) => c === 422)).toHaveLength(9);
    expect((await get(`/v1/accounts/${accountId}/cards`)).json().data).toHaveLength(1);
  });
});

describe('card expiry job', () => {
  it('marks cards past their expiry month EXPIRED, and only those', async () => {
    const { expireCards } = await import('../../src/cards/index.ts');
    const { accountId } = await customerWithAccount(t.app, m.key);
    const card = await issueCard(t.app, m.key, accountId);
    const endOfExpiryMonth = new Date(Date.UTC(card.exp_year as number, card.exp_month as number, 1) - 1000);
    await t.db.transaction((tx) => expireCards(tx, endOfExpiryMonth));
    expect((await get(`/v1/cards/${card.id}`)).json().status).toBe('ACTIVE');
    await t.db.transaction((tx) => expireCards(tx, new Date(endOfExpiryMonth.getTime() + 2000)));
    const expired = (await get(`/v1/cards/${card.id}`)).json();
    expect(expired.status).toBe('EXPIRED');
    expect(expired.is_expired).toBe(true);
  });
});
