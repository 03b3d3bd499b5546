import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, bearer, buildTestApp, createMerchant, type TestApp } from '../harness.ts';
import { customerWithAccount, shipping } from '../fixtures/flows.ts';
import { validCustomer } from '../fixtures/customers.ts';
import { dataUrl, jpeg, png } from '../fixtures/images.ts';
import { requireCountryEnabled, setCountryAvailability, listCountries, isCountryEnabled, enabledCountries } from '../../src/countries/index.ts';
import { DomainError } from '../../src/lib/errors.ts';

let t: TestApp;
let m: { id: string; key: string };
beforeAll(async () => {
  t = await buildTestApp();
  m = await createMerchant(t.app, 'Countries Co');
});
afterAll(async () => t.close());

const ctx = { actor: 'operator', origin: null, at: new Date('2030-01-01T00:00:00Z') };
const put = (code: string, payload: unknown, headers: Record<string, string> = adminHeaders) =>
  t.app.inject({ method: 'PUT', url: `/admin/v1/countries/${code}`, headers, payload: payload as object });
const usAddress = { line1: '1 Main Street', city: 'Springfield', state: 'IL', postal_code: '62701', country: 'US' };
const kycBody = {
  identification_type: 'PASSPORT', identification_number: 'A563F186', identification_expiry_date: '2099-12-31',
  front_image: dataUrl('image/jpeg', jpeg()), handheld_image: dataUrl('image/png', png()),
};
const count = async (sql: string, params: unknown[]) => Number((await t.db.query<{ n: bigint }>(sql, params)).rows[0]!.n);

describe('country availability (module)', () => {
  it('enables every ISO 3166 country for every service by default', async () => {
    const all = await listCountries(t.db);
    expect(all.length).toBeGreaterThan(240);
    expect(all.every((c) => c.services.cards && c.services.kyc && c.services.topup && c.services.sms && c.updatedAt === null)).toBe(true);
    await expect(requireCountryEnabled(t.db, 'CM', 'topup')).resolves.toBeUndefined();
  });

  it('refuses a switched-off service with country_not_supported naming the country and service', async () => {
    await t.db.transaction((tx) => setCountryAvailability(tx, 'KP', { cards: false }, ctx));
    const err = await requireCountryEnabled(t.db, 'KP', 'cards', 'country').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe('country_not_supported');
    expect((err as DomainError).message).toBe('Card issuing is not available in North Korea (KP).');
    expect((err as DomainError).param).toBe('country');
    expect(await isCountryEnabled(t.db, 'KP', 'kyc')).toBe(true);
    expect(await enabledCountries(t.db, 'cards')).not.toContain('KP');
    expect(await enabledCountries(t.db, 'sms')).toContain('KP');
  });

  it('refuses a code that is not a country', async () => {
    for (const code of ['ZZ', 'us', '', 'USA']) {
      const err = await requireCountryEnabled(t.db, code, 'sms').catch((e: unknown) => e);
      expect((err as DomainError).code).toBe('country_not_supported');
    }
    expect(await isCountryEnabled(t.db, 'ZZ', 'sms')).toBe(false);
  });
});

describe('countries API: happy paths', () => {
  it('GET /v1/countries lists every country with its services; ?service= filters', async () => {
    const res = await t.app.inject({ url: '/v1/countries', headers: bearer(m.key) });
    expect(res.statusCode, res.body).toBe(200);
    const b = res.json();
    expect(b).toMatchObject({ object: 'list', has_more: false });
    expect(b.data.length).toBeGreaterThan(240);
    expect(b.data).toContainEqual({ object: 'country', code: 'US', name: 'United States', services: { cards: true, kyc: true, topup: true, sms: true } });
    expect(b.data).toContainEqual({ object: 'country', code: 'KP', name: 'North Korea', services: { cards: false, kyc: true, topup: true, sms: true } });
    const cards = (await t.app.inject({ url: '/v1/countries?service=cards', headers: bearer(m.key) })).json();
    expect(cards.data.map((c: { code: string }) => c.code)).not.toContain('KP');
    expect(cards.data.length).toBe(b.data.length - 1);
  });

  it('the operator switches services off and on; services left out keep their setting; audited', async () => {
    t.clock.set(new Date('2026-11-23T08:00:00Z'));
    const off = await put('NG', { services: { topup: false, sms: false } });
    expect(off.statusCode, off.body).toBe(200);
    expect(off.json()).toEqual({
      object: 'country', code: 'NG', name: 'Nigeria', services: { cards: true, kyc: true, topup: false, sms: false }, updated_at: '2026-11-23T08:00:00.000Z',
    });
    const on = await put('NG', { services: { sms: true } });
    expect(on.json().services).toEqual({ cards: true, kyc: true, topup: false, sms: true });
    expect((await t.app.inject({ url: '/admin/v1/countries/NG', headers: adminHeaders })).json().services.topup).toBe(false);
    const listed = (await t.app.inject({ url: '/admin/v1/countries', headers: adminHeaders })).json();
    expect(listed.data.find((c: { code: string }) => c.code === 'NG')).toMatchObject({ services: { topup: false }, updated_at: '2026-11-23T08:00:00.000Z' });
    expect(listed.data.find((c: { code: string }) => c.code === 'FR')).toMatchObject({ updated_at: null });
    const audit = (await t.db.query<{ actor: string; details: { services: object } }>(
      "SELECT actor, details FROM audit_log WHERE action = 'country.availability.update' AND target = 'NG' ORDER BY seq")).rows;
    expect(audit).toEqual([
      { actor: 'operator', details: { services: { topup: false, sms: false } } }, { actor: 'operator', details: { services: { sms: true } } },
    ]);
    expect((await t.app.inject({ url: '/admin/v1/countries?service=topup', headers: adminHeaders })).json().data.map((c: { code: string }) => c.code)).not.toContain('NG');
  });
});

describe('countries API: a switched-off country refuses cards and KYC with 422', () => {
  it("refuses a card for a cardholder who lives where cards are off, whatever the billing address; others are not affected", async () => {
    const fr = await customerWithAccount(t.app, m.key);
    const us = await customerWithAccount(t.app, m.key);
    await t.app.inject({ method: 'PATCH', url: `/v1/customers/${us.customerId}`, headers: bearer(m.key), payload: { address: usAddress } });
    expect((await put('FR', { services: { cards: false } })).statusCode).toBe(200);

    for (const payload of [{ type: 'virtual' }, { type: 'virtual', billing_address: usAddress }, { type: 'physical', shipping_address: shipping }]) {
      const res = await t.app.inject({ method: 'POST', url: `/v1/accounts/${fr.accountId}/cards`, headers: bearer(m.key), payload });
      expect(res.statusCode, res.body).toBe(422);
      expect(res.json().error).toMatchObject({ code: 'country_not_supported', type: 'invalid_request_error', message: 'Card issuing is not available in France (FR).' });
    }
    expect(await count('SELECT count(*) AS n FROM cards WHERE customer_id = $1', [fr.customerId])).toBe(0);
    const krezy = await t.app.inject({ method: 'POST', url: '/krezypay/v1/sandbox/card/create', headers: bearer(m.key), payload: { customer_id: fr.customerId } });
    expect(krezy.statusCode).toBe(422);
    expect(krezy.json()).toEqual({ status: 'error', error: 'Card issuing is not available in France (FR).' });

    const usCustomer = (await t.app.inject({ url: `/v1/customers/${us.customerId}`, headers: bearer(m.key) })).json();
    expect(usCustomer.address.country).toBe('US');
    const ok = await t.app.inject({ method: 'POST', url: `/v1/accounts/${us.accountId}/cards`, headers: bearer(m.key), payload: { type: 'virtual', billing_address: validCustomer().address } });
    expect(ok.statusCode, ok.body).toBe(201);

    await put('FR', { services: { cards: true } });
    expect((await t.app.inject({ method: 'POST', url: `/v1/accounts/${fr.accountId}/cards`, headers: bearer(m.key), payload: { type: 'virtual' } })).statusCode).toBe(201);
  });

  it('refuses a stock card for a cardholder who lives where cards are off; the stock stays unassigned', async () => {
    const { generatePan } = await import('../../src/crypto/index.ts');
    const number = generatePan('493724');
    const imported = await t.app.inject({ method: 'POST', url: '/admin/v1/card_stock', headers: adminHeaders, payload: {
      merchant_id: m.id, mode: 'sandbox', cards: [{ card_number: number, brand: 'VISA', exp_month: 7, exp_year: 2029, currency: 'USD' }],
    } });
    expect(imported.statusCode, imported.body).toBe(201);
    const passed = await customerWithAccount(t.app, m.key, { kyc: true });
    await put('FR', { services: { cards: false } });
    const assign = () => t.app.inject({ method: 'POST', url: '/v1/cards/assign', headers: bearer(m.key), payload: { account_id: passed.accountId, card_number: number, auto_activate: true } });
    const refused = await assign();
    expect(refused.statusCode, refused.body).toBe(422);
    expect(refused.json().error.code).toBe('country_not_supported');
    expect(await count('SELECT count(*) AS n FROM card_stock WHERE assigned_card_id IS NOT NULL', [])).toBe(0);
    await put('FR', { services: { cards: true } });
    expect((await assign()).statusCode).toBe(201);
  });

  it('refuses KYC from a customer who lives where KYC is off; the status stays NOT_STARTED', async () => {
    const { customerId } = await customerWithAccount(t.app, m.key);
    await put('FR', { services: { kyc: false } });
    const res = await t.app.inject({ method: 'POST', url: `/v1/customers/${customerId}/kyc`, headers: bearer(m.key), payload: kycBody });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json().error).toMatchObject({ code: 'country_not_supported', message: 'KYC verification is not available in France (FR).' });
    expect((await t.app.inject({ url: `/v1/customers/${customerId}/kyc`, headers: bearer(m.key) })).json().status).toBe('NOT_STARTED');
    expect(await count('SELECT count(*) AS n FROM kyc_documents WHERE customer_id = $1', [customerId])).toBe(0);
    await put('FR', { services: { kyc: true } });
    expect((await t.app.inject({ method: 'POST', url: `/v1/customers/${customerId}/kyc`, headers: bearer(m.key), payload: kycBody })).statusCode).toBe(200);
  });
});

describe('countries API: errors', () => {
  it.each([
    ['ZZ', { services: { cards: false } }, 404], ['fr', { services: { cards: false } }, 400], ['FRA', { services: { cards: false } }, 400],
    ['FR', { services: {} }, 400], ['FR', {}, 400], ['FR', { services: { cards: 'no' } }, 400], ['FR', { services: { wire: false } }, 400],
    ['FR', { services: { cards: false }, extra: 1 }, 400],
  ])('PUT %s %o → %i, nothing changed', async (code, payload, status) => {
    const res = await put(code, payload);
    expect(res.statusCode, res.body).toBe(status);
    expect((await t.app.inject({ url: '/admin/v1/countries/FR', headers: adminHeaders })).json().services).toEqual({ cards: true, kyc: true, topup: true, sms: true });
  });

  it('refuses an unknown service filter and an unknown country', async () => {
    expect((await t.app.inject({ url: '/v1/countries?service=wire', headers: bearer(m.key) })).statusCode).toBe(400);
    expect((await t.app.inject({ url: '/admin/v1/countries/ZZ', headers: adminHeaders })).statusCode).toBe(404);
  });
});

describe('countries API: security', () => {
  it('needs a merchant key for the list, the admin token to read or change availability', async () => {
    expect((await t.app.inject({ url: '/v1/countries' })).statusCode).toBe(401);
    expect((await t.app.inject({ url: '/v1/countries', headers: bearer('sk_sandbox_' + 'x'.repeat(43)) })).statusCode).toBe(401);
    expect((await t.app.inject({ url: '/v1/countries', headers: adminHeaders })).statusCode).toBe(401);
    for (const headers of [{}, bearer(m.key), bearer('not-the-admin-token')]) {
      expect((await t.app.inject({ url: '/admin/v1/countries', headers })).statusCode).toBe(401);
      expect((await t.app.inject({ url: '/admin/v1/countries/FR', headers })).statusCode).toBe(401);
      const res = await put('FR', { services: { cards: false } }, headers);
      expect(res.statusCode).toBe(401);
    }
    expect((await t.app.inject({ url: '/admin/v1/countries/FR', headers: adminHeaders })).json().services.cards).toBe(true);
  });

  it('a live key sees the same availability as a sandbox key: it is the operator\'s, for every merchant and mode', async () => {
    const other = await createMerchant(t.app, 'Live Countries Co');
    await t.app.inject({ method: 'POST', url: `/admin/v1/merchants/${other.id}/live_access`, headers: adminHeaders });
    const live = (await t.app.inject({ method: 'POST', url: `/admin/v1/merchants/${other.id}/keys`, headers: adminHeaders, payload: { mode: 'live' } })).json().api_key;
    const a = (await t.app.inject({ url: '/v1/countries', headers: bearer(live) })).json();
    const b = (await t.app.inject({ url: '/v1/countries', headers: bearer(m.key) })).json();
    expect(a).toEqual(b);
  });
});
