import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLedger } from '../../src/ledger/index.ts';
import { processDueTopups, sandboxProvider, SANDBOX_TOPUP_DELAY_MS } from '../../src/topups/index.ts';
import { adminHeaders, bearer, buildTestApp, createMerchant, type TestApp } from '../harness.ts';

let t: TestApp;
let m: { id: string; key: string };
beforeAll(async () => {
  t = await buildTestApp();
  m = await createMerchant(t.app, 'Krezy Airtime Co');
  await t.app.inject({ method: 'POST', url: '/v1/simulate/wallet_deposits', headers: bearer(m.key), payload: { currency: 'USD', amount: 10_000 } });
});
afterAll(async () => t.close());

const krezy = (op: string, payload: object | string, key = m.key, mode = 'sandbox', headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url: `/krezypay/v1/${mode}/topup/${op}`, headers: { ...bearer(key), 'content-type': 'application/json', ...headers }, payload });
const wallet = async (key = m.key) =>
  (await t.app.inject({ url: '/v1/wallets', headers: bearer(key) })).json().data.find((w: { currency: string }) => w.currency === 'USD')?.available ?? 0;
const runJob = () => {
  t.clock.advance(SANDBOX_TOPUP_DELAY_MS);
  return processDueTopups({ db: t.db, clock: t.clock, providers: { sandbox: sandboxProvider, live: null } });
};
async function ledgerClean() {
  expect((await verifyLedger(t.db)).violations).toEqual([]);
}
function krezyError(res: Awaited<ReturnType<typeof krezy>>, status: number, text?: RegExp) {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.json()).toEqual({ status: 'error', error: expect.any(String) });
  if (text) expect(res.json().error).toMatch(text);
}
const cm = (overrides: Record<string, unknown> = {}) => ({ country: 'CM', operator: 'MTN', phone: '+237671234567', amount: '1000', ...overrides });
const bodyFor = (op: string) => (op === 'schema' ? { country: 'CM' } : cm());

describe('KrezyPay topup/schema', () => {
  it('lists the operators with amounts as decimal strings in their currency', async () => {
    const res = await krezy('schema', { country: 'CM' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      status: 'success', country: 'CM',
      operators: [
        { name: 'MTN', currency: 'XAF', min_amount: '100', max_amount: '50000', wallet_currency: 'USD' },
        { name: 'Orange', currency: 'XAF', denominations: ['500', '1000', '2000', '5000'], wallet_currency: 'USD' },
      ],
      phone_format: { country_calling_code: '237', example: expect.stringMatching(/^\+237/), national_example: expect.any(String) },
    });
    const us = (await krezy('schema', { country: 'US' })).json();
    expect(us.operators[0]).toEqual({ name: 'AT&T', currency: 'USD', denominations: ['5.00', '10.00', '20.00', '50.00'], wallet_currency: 'USD' });
  });

  it.each([[{ country: 'cm' }], [{}], [{ country: 'CM', extra: 1 }]])('refuses %o with 422 in its error shape', async (body) => {
    krezyError(await krezy('schema', body), 422);
  });
});

describe('KrezyPay topup/estimate', () => {
  it.each([['1000'], [1000]])('prices %o XAF: 1.70 + 0.28 = 1.98 USD', async (amount) => {
    const res = await krezy('estimate', cm({ amount }));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ status: 'success', amount: '1000', currency: 'XAF', price: '1.70', fee: '0.28', total: '1.98', wallet_currency: 'USD' });
  });

  it.each([['10'], ['10.0'], ['10.00'], [10]])('prices %o USD of AT&T at 10.45', async (amount) => {
    const res = await krezy('estimate', { country: 'US', operator: 'AT&T', phone: '(201) 555-0123', amount });
    expect(res.json()).toEqual({ status: 'success', amount: '10.00', currency: 'USD', price: '10.00', fee: '0.45', total: '10.45', wallet_currency: 'USD' });
  });

  it.each([
    ['decimals XAF does not have', cm({ amount: '1000.5' }), /decimals/],
    ['an exponent', cm({ amount: '1e3' }), /digits only/],
    ['a negative amount', cm({ amount: '-1000' }), /positive/],
    ['zero', cm({ amount: '0' }), /positive/],
    ['leading zeros', cm({ amount: '01000' }), /digits only/],
    ['an amount out of range', cm({ amount: '99' }), /from 100 to 50000/],
    ['an amount that is not a denomination', { country: 'US', operator: 'AT&T', phone: '+12015550123', amount: '7.00' }, /one of/],
    ['too many decimals for USD', { country: 'US', operator: 'AT&T', phone: '+12015550123', amount: '10.001' }, /decimals/],
    ['an operator not on offer', cm({ operator: 'Nexttel' }), /No top-up product/],
    ['a number of another country', cm({ phone: '+33612345678' }), /not a valid mobile number/],
    ['a missing amount', { country: 'CM', operator: 'MTN', phone: '+237671234567' }, undefined],
  ])('refuses %s with 422', async (_name, body, text) => {
    krezyError(await krezy('estimate', body), 422, text);
  });

  it('refuses a JSON number with an exponent, read from its text', async () => {
    krezyError(await krezy('estimate', '{"country":"CM","operator":"MTN","phone":"+237671234567","amount":1e3}'), 422, /digits only/);
  });
});

describe('KrezyPay topup/send', () => {
  it('holds the total, answers pending, and completes through the sandbox provider', async () => {
    const before = await wallet();
    const res = await krezy('send', cm());
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toEqual({
      status: 'success', message: 'Top-up accepted.', topup_id: expect.stringMatching(/^top_/), topup_status: 'pending', phone: '+237671234567',
      amount: '1000', currency: 'XAF', price: '1.70', fee: '0.28', total: '1.98', wallet_currency: 'USD',
    });
    expect(await wallet()).toBe(before - 198);
    expect(await runJob()).toEqual({ succeeded: 1, failed: 0, retrying: 0 });
    const native = (await t.app.inject({ url: `/v1/topups/${body.topup_id}`, headers: bearer(m.key) })).json();
    expect(native).toMatchObject({ status: 'succeeded', total: 198 });
    await ledgerClean();
  });

  it('gives the money back when the top-up fails (test number ending in 0000)', async () => {
    const before = await wallet();
    const body = (await krezy('send', cm({ phone: '671000000' }))).json();
    expect(body.topup_status).toBe('pending');
    expect(await runJob()).toEqual({ succeeded: 0, failed: 1, retrying: 0 });
    expect(await wallet()).toBe(before);
    await ledgerClean();
  });

  it('refuses more than the wallet holds with 422, and moves nothing', async () => {
    const poor = await createMerchant(t.app, 'Poor Krezy Co');
    krezyError(await krezy('send', cm(), poor.key), 422, /Not enough money/);
    expect(await wallet(poor.key)).toBe(0);
    expect((await t.db.query('SELECT 1 FROM topups WHERE merchant_id = $1', [poor.id])).rows).toEqual([]);
    await ledgerClean();
  });

  it('replays a retry with the same Idempotency-Key', async () => {
    const before = await wallet();
    const headers = { 'idempotency-key': 'krezy-topup-1' };
    const first = await krezy('send', cm({ amount: '500' }), m.key, 'sandbox', headers);
    const again = await krezy('send', cm({ amount: '500' }), m.key, 'sandbox', headers);
    expect(again.json().topup_id).toBe(first.json().topup_id);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await wallet()).toBe(before - Number(first.json().total.replace('.', '')));
    await runJob();
    await ledgerClean();
  });

  it('refuses a country where the operator switched top-ups off', async () => {
    await t.app.inject({ method: 'PUT', url: '/admin/v1/countries/CM', headers: adminHeaders, payload: { services: { topup: false } } });
    try {
      for (const op of ['schema', 'estimate', 'send']) krezyError(await krezy(op, bodyFor(op)), 422, /not available in Cameroon/);
    } finally {
      await t.app.inject({ method: 'PUT', url: '/admin/v1/countries/CM', headers: adminHeaders, payload: { services: { topup: true } } });
    }
  });
});

describe('KrezyPay topup security', () => {
  it.each(['schema', 'estimate', 'send'])('%s: 401 without a valid key, or with a key of the other mode', async (op) => {
    for (const headers of [{}, bearer('wrong'), bearer(`sk_sandbox_${'A'.repeat(43)}`)]) {
      const res = await t.app.inject({ method: 'POST', url: `/krezypay/v1/sandbox/topup/${op}`, headers: { ...headers, 'content-type': 'application/json' }, payload: bodyFor(op) });
      krezyError(res, 401);
    }
    krezyError(await krezy(op, bodyFor(op), m.key, 'live'), 401, /sandbox key/);
  });

  it('send needs the write scope', async () => {
    const readOnly = (await t.app.inject({ method: 'POST', url: `/admin/v1/merchants/${m.id}/keys`, headers: adminHeaders, payload: { mode: 'sandbox', scopes: ['read'] } })).json().api_key;
    const before = await wallet();
    krezyError(await krezy('send', cm(), readOnly), 401);
    expect(await wallet()).toBe(before);
  });
});
