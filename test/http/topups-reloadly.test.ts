import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLedger } from '../../src/ledger/index.ts';
import { processDueTopups, topupProviders, type TopupProviders } from '../../src/topups/index.ts';
import { FAKE_CLIENT, startReloadlyFake, type ReloadlyFake } from '../fixtures/reloadly-fake.ts';
import { adminHeaders, bearer, buildTestApp, createMerchant, type TestApp } from '../harness.ts';

/** Live top-ups end to end: the API, the ledger and the job, with the Reloadly adapter talking to a local fake. */
let fake: ReloadlyFake;
let t: TestApp;
let liveKey: string;
let merchantId: string;
let providers: TopupProviders;
beforeAll(async () => {
  fake = await startReloadlyFake();
  t = await buildTestApp({ config: { reloadly: { url: fake.url, authUrl: fake.url, ...FAKE_CLIENT } } });
  providers = topupProviders(t.config, { timeoutMs: 5_000 });
  const m = await createMerchant(t.app, 'Live Airtime Co');
  merchantId = m.id;
  await t.app.inject({ method: 'POST', url: `/admin/v1/merchants/${m.id}/live_access`, headers: adminHeaders });
  liveKey = (await t.app.inject({ method: 'POST', url: `/admin/v1/merchants/${m.id}/keys`, headers: adminHeaders, payload: { mode: 'live' } })).json().api_key;
  const catalogue = await t.app.inject({
    method: 'PUT', url: '/admin/v1/topup_products', headers: adminHeaders, payload: {
      mode: 'live', products: [
        { country: 'CM', operator: 'MTN', currency: 'XAF', min_amount: 100, max_amount: 50_000, wallet_currency: 'USD', rate: '0.0017', fee_fixed: 25, fee_percent_bps: 200 },
        { country: 'US', operator: 'AT&T', currency: 'USD', denominations: [500, 1000], wallet_currency: 'USD', rate: '1', provider_operator_id: '2001' },
      ],
    },
  });
  expect(catalogue.statusCode, catalogue.body).toBe(200);
  const credit = await t.app.inject({ method: 'POST', url: `/admin/v1/merchants/${m.id}/wallet_credits`, headers: adminHeaders, payload: { currency: 'USD', amount: 10_000, mode: 'live' } });
  expect(credit.statusCode, credit.body).toBe(200);
});
afterAll(async () => {
  await t.close();
  await fake.close();
});

const send = (payload: object) => t.app.inject({ method: 'POST', url: '/v1/topups', headers: bearer(liveKey), payload });
const topup = async (id: string) => (await t.app.inject({ url: `/v1/topups/${id}`, headers: bearer(liveKey) })).json();
const wallet = async () => (await t.app.inject({ url: '/v1/wallets', headers: bearer(liveKey) })).json().data.find((w: { currency: string }) => w.currency === 'USD').available;
const runJob = () => processDueTopups({ db: t.db, clock: t.clock, providers });
async function ledgerClean() {
  const report = await verifyLedger(t.db);
  expect(report.violations).toEqual([]);
}

describe('live top-ups through Reloadly (local fake)', () => {
  it('sends at once, and succeeds with the documented request', async () => {
    const before = await wallet();
    const res = await send({ country: 'CM', operator: 'MTN', phone: '6 71 23 45 67', amount: 1000 });
    expect(res.statusCode, res.body).toBe(201);
    const created = res.json();
    expect(created).toMatchObject({ status: 'pending', livemode: true, total: 198 });
    expect(await wallet()).toBe(before - 198);
    // A real provider is asked on the job's next pass: no sandbox delay.
    expect(await runJob()).toEqual({ succeeded: 1, failed: 0, retrying: 0 });
    expect(fake.topupsFor(created.id)).toHaveLength(1);
    expect(fake.topupsFor(created.id)[0]!.body).toEqual({
      operatorId: 1001, amount: 1000, useLocalAmount: true, customIdentifier: created.id, recipientPhone: { countryCode: 'CM', number: '237671234567' },
    });
    expect(await topup(created.id)).toMatchObject({ status: 'succeeded', failure_code: null });
    expect(await wallet()).toBe(before - 198);
    const events = await t.db.query("SELECT type FROM events WHERE merchant_id = $1 AND mode = 'live' AND type LIKE 'topup.%'", [merchantId]);
    expect(events.rows).toEqual([{ type: 'topup.succeeded' }]);
    await ledgerClean();
  });

  it('fails a number Reloadly refuses, and gives the money back', async () => {
    const before = await wallet();
    const created = (await send({ country: 'US', operator: 'AT&T', phone: '+1 201 555 0000', amount: 500 })).json();
    expect(await runJob()).toEqual({ succeeded: 0, failed: 1, retrying: 0 });
    expect(await topup(created.id)).toMatchObject({ status: 'failed', failure_code: 'recipient_invalid', failure_message: expect.stringContaining('INVALID_RECIPIENT_PHONE') });
    expect(await wallet()).toBe(before);
    await ledgerClean();
  });

  it('looks up a top-up whose answer was lost, and never sends it twice', async () => {
    const created = (await send({ country: 'CM', operator: 'MTN', phone: '+237 6 71 23 99 99', amount: 500 })).json();
    expect(await runJob()).toEqual({ succeeded: 0, failed: 0, retrying: 1 });
    expect((await topup(created.id)).status).toBe('pending');
    t.clock.advance(5_000);
    expect(await runJob()).toEqual({ succeeded: 1, failed: 0, retrying: 0 });
    expect(fake.topupsFor(created.id)).toHaveLength(1);
    expect((await topup(created.id)).status).toBe('succeeded');
    await ledgerClean();
  });

  it('polls a top-up Reloadly is still processing', async () => {
    const created = (await send({ country: 'CM', operator: 'MTN', phone: '+237 6 71 23 11 11', amount: 500 })).json();
    expect(await runJob()).toEqual({ succeeded: 0, failed: 0, retrying: 1 });
    t.clock.advance(5_000);
    expect(await runJob()).toEqual({ succeeded: 0, failed: 0, retrying: 1 });
    t.clock.advance(10_000);
    expect(await runJob()).toEqual({ succeeded: 1, failed: 0, retrying: 0 });
    expect(fake.topupsFor(created.id)).toHaveLength(1);
    await ledgerClean();
  });

  it('keeps a live top-up pending while the provider is down, then delivers it', async () => {
    const created = (await send({ country: 'CM', operator: 'MTN', phone: '+237 6 71 23 45 68', amount: 500 })).json();
    const down = { sandbox: providers.sandbox, live: null };
    expect(await processDueTopups({ db: t.db, clock: t.clock, providers: down })).toEqual({ succeeded: 0, failed: 0, retrying: 1 });
    t.clock.advance(5_000);
    expect(await runJob()).toEqual({ succeeded: 1, failed: 0, retrying: 0 });
    expect(fake.topupsFor(created.id)).toHaveLength(1);
    await ledgerClean();
  });
});
