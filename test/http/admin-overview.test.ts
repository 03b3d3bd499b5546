import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, bearer, buildTestApp, createMerchant, type TestApp } from '../harness.ts';
import { validCustomer } from '../fixtures/customers.ts';

/** GET /admin/v1/overview: the operator's counts across merchants (the dashboard's first page). */
describe('GET /admin/v1/overview', () => {
  let t: TestApp;
  let key: string;

  beforeAll(async () => {
    t = await buildTestApp();
    key = (await createMerchant(t.app)).key;
    await createMerchant(t.app, 'Second');
  });
  afterAll(async () => t?.close());

  const get = (headers: Record<string, string>) => t.app.inject({ method: 'GET', url: '/admin/v1/overview', headers });

  it('counts merchants, cards by status, the KYC queue, and authorizations per hour over 24 hours', async () => {
    const customer = (await t.app.inject({ method: 'POST', url: '/v1/customers', headers: bearer(key), payload: validCustomer() })).json() as { id: string };
    const account = (await t.app.inject({ method: 'POST', url: `/v1/customers/${customer.id}/accounts`, headers: bearer(key), payload: { currency: 'USD' } })).json() as { id: string };
    const card = await t.app.inject({ method: 'POST', url: `/v1/accounts/${account.id}/cards`, headers: bearer(key), payload: { type: 'virtual' } });
    expect(card.statusCode).toBe(201);
    const declined = await t.app.inject({
      method: 'POST', url: '/v1/simulate/authorizations', headers: bearer(key),
      payload: { card_id: (card.json() as { id: string }).id, amount: 500, currency: 'USD', merchant: { name: 'Shop', mcc: '5411', country: 'US' } },
    });
    expect(declined.statusCode).toBe(200);
    const res = await get(adminHeaders);
    expect(res.statusCode).toBe(200);
    const body = res.json() as { object: string; merchants: { total: number }; cards_by_status: Array<{ status: string; count: number }>; authorizations_per_hour: Array<{ hour: string; approved: number; declined: number }>; decline_reasons: Array<{ reason: string; count: number }>; kyc_waiting: number };
    expect(body.object).toBe('overview');
    expect(body.merchants.total).toBe(2);
    expect(body.cards_by_status.reduce((s, c) => s + c.count, 0)).toBe(1);
    expect(body.authorizations_per_hour).toHaveLength(24);
    const totals = body.authorizations_per_hour.reduce((s, h) => s + h.approved + h.declined, 0);
    expect(totals).toBe(1);
    expect(body.decline_reasons.reduce((s, r) => s + r.count, 0)).toBe(body.authorizations_per_hour.reduce((s, h) => s + h.declined, 0));
    expect(body.kyc_waiting).toBe(0);
  });

  it('refuses a request without the admin token, and a merchant key', async () => {
    const none = await get({});
    expect(none.statusCode).toBe(401);
    const merchant = await get(bearer(key));
    expect(merchant.statusCode).toBe(401);
    expect((merchant.json() as { error: { code: string } }).error.code).toBe('invalid_admin_token');
  });
});
