import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLedger, lookupAccounts } from '../../src/ledger/index.ts';
import {
  processDueTopups, sandboxProvider, SANDBOX_TOPUP_DELAY_MS, TOPUP_RESOLVE_DEADLINE_MS, type ProviderAnswer, type TopupProvider,
} from '../../src/topups/index.ts';
import { adminHeaders, bearer, buildTestApp, createMerchant, type TestApp } from '../harness.ts';

let t: TestApp;
let m: { id: string; key: string };
let other: { id: string; key: string };
beforeAll(async () => {
  t = await buildTestApp();
  m = await createMerchant(t.app, 'Airtime Co');
  other = await createMerchant(t.app, 'Other Co');
  await deposit(m.key, 100_000);
});
afterAll(async () => t.close());

type Res = Awaited<ReturnType<TestApp['app']['inject']>>;
const post = (url: string, payload: object, key = m.key, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url, headers: { ...bearer(key), ...headers }, payload });
const get = (url: string, key = m.key) => t.app.inject({ url, headers: bearer(key) });
async function ok(res: Res, status = 200) {
  expect(res.statusCode, res.body).toBe(status);
  return res.json();
}
function refused(res: Res, status: number, code: string, param?: string) {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.json().error.code).toBe(code);
  if (param !== undefined) expect(res.json().error.param).toBe(param);
}
async function deposit(key: string, amount: number, currency = 'USD') {
  await ok(await post('/v1/simulate/wallet_deposits', { currency, amount }, key));
}
async function wallet(key = m.key, currency = 'USD'): Promise<number> {
  return (await ok(await get('/v1/wallets', key))).data.find((w: { currency: string }) => w.currency === currency)?.available ?? 0;
}
async function ledgerClean() {
  const report = await verifyLedger(t.db);
  expect(report.violations).toEqual([]);
  expect(report.ok).toBe(true);
}
async function account(merchantId: string, kind: string) {
  const [a] = await lookupAccounts(t.db, [`${merchantId}:sandbox:USD:${kind}`]);
  return { creditsPending: a?.creditsPending ?? 0n, creditsPosted: a?.creditsPosted ?? 0n };
}
async function events(topupId: string) {
  const { rows } = await t.db.query<{ type: string; data: { object: { id: string; status: string } } }>(
    "SELECT type, data FROM events WHERE type LIKE 'topup.%' AND data->'object'->>'id' = $1 ORDER BY id", [topupId]);
  return rows.map((r) => ({ type: r.type, status: r.data.object.status }));
}
/** The jobs leader's pass, run by hand once the sandbox's short delay is over. */
async function runJob(providers = { sandbox: sandboxProvider, live: null }) {
  t.clock.advance(SANDBOX_TOPUP_DELAY_MS);
  return processDueTopups({ db: t.db, clock: t.clock, providers });
}
const cm = (overrides: Record<string, unknown> = {}) => ({ country: 'CM', operator: 'MTN', phone: '+237671234567', amount: 1000, ...overrides });
const us = (overrides: Record<string, unknown> = {}) => ({ country: 'US', operator: 'AT&T', phone: '+1 201 555 0123', amount: 1000, ...overrides });

describe('GET /v1/topups/schema', () => {
  it('lists the default sandbox catalogue of Cameroon, with the phone format', async () => {
    const body = await ok(await get('/v1/topups/schema?country=CM'));
    expect(body).toEqual({
      object: 'topup_schema', country: 'CM',
      operators: [
        { name: 'MTN', currency: 'XAF', min_amount: 100, max_amount: 50_000, wallet_currency: 'USD' },
        { name: 'Orange', currency: 'XAF', denominations: [500, 1000, 2000, 5000], wallet_currency: 'USD' },
      ],
      phone_format: { country_calling_code: '237', example: expect.stringMatching(/^\+2376/), national_example: expect.any(String) },
    });
  });

  it('lists the United States in USD', async () => {
    const body = await ok(await get('/v1/topups/schema?country=US'));
    expect(body.operators.map((o: { name: string; currency: string }) => `${o.name}:${o.currency}`)).toEqual(['AT&T:USD', 'T-Mobile:USD']);
    expect(body.phone_format.country_calling_code).toBe('1');
  });

  it('answers an empty list where nothing is on offer', async () => {
    expect((await ok(await get('/v1/topups/schema?country=FR'))).operators).toEqual([]);
  });

  it.each([['cm'], ['CMR'], ['']])('refuses the country %o with 400', async (country) => {
    refused(await get(`/v1/topups/schema?country=${country}`), 400, 'parameter_invalid');
  });

  it('refuses a code that is not an ISO 3166-1 country with 422', async () => {
    refused(await get('/v1/topups/schema?country=XX'), 422, 'country_not_supported', 'country');
  });
});

describe('POST /v1/topups/estimate', () => {
  it('prices 1,000 XAF at 1.70 USD, fee 0.25 + 2 % (half-up) = 0.28, total 1.98', async () => {
    expect(await ok(await post('/v1/topups/estimate', cm()))).toEqual({
      object: 'topup_estimate', country: 'CM', operator: 'MTN', phone: '+237671234567', amount: 1000, currency: 'XAF',
      price: 170, fee: 28, total: 198, wallet_currency: 'USD',
    });
  });

  it('prices 10.00 USD of AT&T at 10.45, takes a national number and any case of the operator', async () => {
    const body = await ok(await post('/v1/topups/estimate', us({ operator: 'at&t', phone: '(201) 555-0123' })));
    expect(body).toMatchObject({ operator: 'AT&T', phone: '+12015550123', price: 1000, fee: 45, total: 1045 });
  });

  it.each([
    ['an amount that is not a denomination', cm({ operator: 'Orange', amount: 700 }), 'amount'],
    ['an amount under the range', cm({ amount: 99 }), 'amount'],
    ['an amount over the range', cm({ amount: 50_001 }), 'amount'],
    ['an operator not in the catalogue', cm({ operator: 'Nexttel' }), 'operator'],
    ['a French number for Cameroon', cm({ phone: '+33612345678' }), 'phone'],
    ['a fixed line', cm({ phone: '222123456' }), 'phone'],
    ['a fractional amount', cm({ amount: 1000.5 }), 'amount'],
    ['an amount as a string', cm({ amount: '1000' }), 'amount'],
    ['an amount written 1e3', null, 'amount'],
    ['a missing phone', { country: 'CM', operator: 'MTN', amount: 1000 }, 'phone'],
    ['an unknown field', cm({ note: 'x' }), undefined],
  ])('refuses %s with 400', async (_name, payload, param) => {
    const res = payload === null
      ? await t.app.inject({ method: 'POST', url: '/v1/topups/estimate', headers: { ...bearer(m.key), 'content-type': 'application/json' }, payload: '{"country":"CM","operator":"MTN","phone":"+237671234567","amount":1e3}' })
      : await post('/v1/topups/estimate', payload);
    expect(res.statusCode, res.body).toBe(400);
    if (param) expect(res.json().error.param).toBe(param);
  });
});

describe('POST /v1/topups: money through the ledger', () => {
  it('holds the total, stays pending until the provider answers, then posts it: topup.succeeded', async () => {
    const before = await wallet();
    const settlement = await account(m.id, 'provider_settlement');
    const revenue = await account(m.id, 'fee_revenue');
    const created = await ok(await post('/v1/topups', us()), 201);
    expect(created).toMatchObject({
      object: 'topup', status: 'pending', country: 'US', operator: 'AT&T', phone: '+12015550123', amount: 1000, currency: 'USD',
      price: 1000, fee: 45, total: 1045, wallet_currency: 'USD', failure_code: null, livemode: false, completed_at: null,
    });
    expect(created.id).toMatch(/^top_[0-9a-z]{26}$/);
    expect(await wallet()).toBe(before - 1045);
    expect((await account(m.id, 'provider_settlement')).creditsPending).toBe(settlement.creditsPending + 1000n);
    expect((await account(m.id, 'fee_revenue')).creditsPending).toBe(revenue.creditsPending + 45n);
    await ledgerClean();

    // Not before the sandbox's short delay.
    expect(await processDueTopups({ db: t.db, clock: t.clock, providers: { sandbox: sandboxProvider, live: null } })).toEqual({ succeeded: 0, failed: 0, retrying: 0 });
    expect((await ok(await get(`/v1/topups/${created.id}`))).status).toBe('pending');

    expect(await runJob()).toEqual({ succeeded: 1, failed: 0, retrying: 0 });
    const done = await ok(await get(`/v1/topups/${created.id}`));
    expect(done).toMatchObject({ status: 'succeeded', failure_code: null, total: 1045 });
    expect(done.completed_at).toBeTruthy();
    expect(await wallet()).toBe(before - 1045);
    expect(await account(m.id, 'provider_settlement')).toEqual({ creditsPending: settlement.creditsPending, creditsPosted: settlement.creditsPosted + 1000n });
    expect(await account(m.id, 'fee_revenue')).toEqual({ creditsPending: revenue.creditsPending, creditsPosted: revenue.creditsPosted + 45n });
    expect(await events(created.id)).toEqual([{ type: 'topup.succeeded', status: 'succeeded' }]);
    await ledgerClean();

    // Another pass finds nothing: a top-up resolves once.
    expect(await runJob()).toEqual({ succeeded: 0, failed: 0, retrying: 0 });
  });

  it('fails for the documented test number and gives the money back: topup.failed', async () => {
    const before = await wallet();
    const created = await ok(await post('/v1/topups', cm({ phone: '+237 6 71 00 00 00' })), 201);
    expect(await wallet()).toBe(before - 198);
    expect(await runJob()).toEqual({ succeeded: 0, failed: 1, retrying: 0 });
    const done = await ok(await get(`/v1/topups/${created.id}`));
    expect(done).toMatchObject({ status: 'failed', failure_code: 'provider_declined', failure_message: expect.stringContaining('0000') });
    expect(await wallet()).toBe(before);
    expect(await events(created.id)).toEqual([{ type: 'topup.failed', status: 'failed' }]);
    await ledgerClean();
  });

  it('refuses more than the wallet holds with 422 insufficient_funds, and moves nothing', async () => {
    const poor = await createMerchant(t.app, 'Poor Co');
    await deposit(poor.key, 1044);
    const res = await post('/v1/topups', us(), poor.key);
    refused(res, 422, 'insufficient_funds');
    expect(await wallet(poor.key)).toBe(1044);
    expect((await ok(await get('/v1/topups', poor.key))).data).toEqual([]);
    expect((await t.db.query('SELECT 1 FROM topups WHERE merchant_id = $1', [poor.id])).rows).toEqual([]);
    expect(await account(poor.id, 'provider_settlement')).toEqual({ creditsPending: 0n, creditsPosted: 0n });
    await ledgerClean();
    // A merchant that never had a wallet: the same answer.
    refused(await post('/v1/topups', us(), other.key), 422, 'insufficient_funds');
    await ledgerClean();
  });

  it('refuses what the estimate refuses, and moves nothing', async () => {
    const before = await wallet();
    refused(await post('/v1/topups', cm({ amount: 99 })), 400, 'parameter_invalid', 'amount');
    refused(await post('/v1/topups', cm({ phone: '+33612345678' })), 400, 'parameter_invalid', 'phone');
    refused(await post('/v1/topups', cm({ operator: 'Nexttel' })), 400, 'parameter_invalid', 'operator');
    expect(await wallet()).toBe(before);
  });

  it('is idempotent: a retry with the same key replays the top-up and holds the money once', async () => {
    const before = await wallet();
    const headers = { 'idempotency-key': `topup-${Date.now()}` };
    const first = await post('/v1/topups', us({ amount: 500, operator: 'T-Mobile' }), m.key, headers);
    const second = await post('/v1/topups', us({ amount: 500, operator: 'T-Mobile' }), m.key, headers);
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.json().id).toBe(first.json().id);
    expect(await wallet()).toBe(before - first.json().total);
    refused(await post('/v1/topups', us({ amount: 600, operator: 'T-Mobile' }), m.key, headers), 422, 'idempotency_key_reused');
    await runJob();
    await ledgerClean();
  });
});

describe('the job: restarts and lost answers', () => {
  /** A provider whose answers the test scripts, counting its calls. */
  function scripted(sends: ProviderAnswer[], lookups: ProviderAnswer[]) {
    const calls = { send: 0, lookup: 0 };
    const provider: TopupProvider = {
      name: 'sandbox', firstAttemptDelayMs: 0,
      send: async () => { calls.send += 1; return sends.shift() as Exclude<ProviderAnswer, { outcome: 'not_found' }>; },
      lookup: async () => { calls.lookup += 1; return lookups.shift()!; },
    };
    return { calls, providers: { sandbox: provider, live: null } };
  }
  const advanceRetry = () => t.clock.advance(10 * 60_000);

  it('looks a top-up up after a lost answer, and never sends it twice', async () => {
    const created = await ok(await post('/v1/topups', us()), 201);
    const { calls, providers } = scripted([{ outcome: 'unknown', reason: 'timeout' }], [{ outcome: 'succeeded', reference: 'R1' }]);
    expect(await runJob(providers)).toEqual({ succeeded: 0, failed: 0, retrying: 1 });
    expect((await ok(await get(`/v1/topups/${created.id}`))).status).toBe('pending');
    advanceRetry();
    expect(await runJob(providers)).toEqual({ succeeded: 1, failed: 0, retrying: 0 });
    expect(calls).toEqual({ send: 1, lookup: 1 });
    expect((await ok(await get(`/v1/topups/${created.id}`))).status).toBe('succeeded');
    await ledgerClean();
  });

  it('sends again only when the provider never got it', async () => {
    const created = await ok(await post('/v1/topups', us()), 201);
    const { calls, providers } = scripted([{ outcome: 'unknown', reason: '503' }, { outcome: 'pending', reference: 'R2' }], [{ outcome: 'not_found' }, { outcome: 'succeeded', reference: 'R2' }]);
    await runJob(providers);
    advanceRetry();
    expect(await runJob(providers)).toEqual({ succeeded: 0, failed: 0, retrying: 1 });
    advanceRetry();
    expect(await runJob(providers)).toEqual({ succeeded: 1, failed: 0, retrying: 0 });
    expect(calls).toEqual({ send: 2, lookup: 2 });
    expect((await ok(await get(`/v1/topups/${created.id}`))).status).toBe('succeeded');
    await ledgerClean();
  });

  it('picks up a top-up claimed by a worker that died (its lease runs out)', async () => {
    const created = await ok(await post('/v1/topups', us()), 201);
    t.clock.advance(SANDBOX_TOPUP_DELAY_MS);
    // The dead worker: it claimed the top-up (attempt, lease, submitted) and never answered.
    await t.db.query("UPDATE topups SET attempts = 1, submitted_at = $2, next_attempt_at = $3 WHERE id = $1",
      [created.id, t.clock.now(), new Date(t.clock.now().getTime() + 60_000)]);
    expect(await runJob()).toEqual({ succeeded: 0, failed: 0, retrying: 0 });
    t.clock.advance(60_000);
    const { calls, providers } = scripted([], [{ outcome: 'succeeded', reference: 'R3' }]);
    expect(await runJob(providers)).toEqual({ succeeded: 1, failed: 0, retrying: 0 });
    expect(calls).toEqual({ send: 0, lookup: 1 });
    await ledgerClean();
  });

  it('fails a top-up the provider never answered for 24 hours, and gives the money back', async () => {
    const before = await wallet();
    const created = await ok(await post('/v1/topups', us()), 201);
    const answers = Array.from({ length: 5 }, () => ({ outcome: 'unknown' as const, reason: 'no route to host' }));
    const { providers } = scripted([answers[0]!], answers.slice(1));
    await runJob(providers);
    t.clock.advance(TOPUP_RESOLVE_DEADLINE_MS);
    expect(await runJob(providers)).toEqual({ succeeded: 0, failed: 1, retrying: 0 });
    const done = await ok(await get(`/v1/topups/${created.id}`));
    expect(done).toMatchObject({ status: 'failed', failure_code: 'provider_unreachable' });
    expect(await wallet()).toBe(before);
    await ledgerClean();
  });
});

describe('the job under concurrency', () => {
  it('two passes at once deliver each top-up exactly once', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await ok(await post('/v1/topups', us({ operator: 'T-Mobile', amount: 500 + i })), 201)).id);
    const sent = new Map<string, number>();
    const counting: TopupProvider = {
      ...sandboxProvider,
      send: async (topup) => {
        sent.set(topup.id, (sent.get(topup.id) ?? 0) + 1);
        await new Promise((resolve) => setTimeout(resolve, 20));
        return sandboxProvider.send(topup);
      },
    };
    t.clock.advance(SANDBOX_TOPUP_DELAY_MS);
    const providers = { sandbox: counting, live: null };
    const reports = await Promise.all([1, 2, 3].map(() => processDueTopups({ db: t.db, clock: t.clock, providers })));
    expect(reports.reduce((n, r) => n + r.succeeded, 0)).toBe(6);
    expect(ids.map((id) => sent.get(id))).toEqual([1, 1, 1, 1, 1, 1]);
    for (const id of ids) expect(await events(id)).toEqual([{ type: 'topup.succeeded', status: 'succeeded' }]);
    await ledgerClean();
  });
});

describe('GET /v1/topups and /v1/topups/{id}', () => {
  it('lists newest first, filters by status and pages', async () => {
    const all = await ok(await get('/v1/topups?limit=100'));
    expect(all.data.length).toBeGreaterThanOrEqual(5);
    const ids = all.data.map((x: { id: string }) => x.id);
    expect([...ids].sort().reverse()).toEqual(ids);
    const failed = await ok(await get('/v1/topups?status=failed'));
    expect(failed.data.length).toBeGreaterThan(0);
    expect(failed.data.every((x: { status: string }) => x.status === 'failed')).toBe(true);
    const first = await ok(await get('/v1/topups?limit=1'));
    expect(first.has_more).toBe(true);
    const next = await ok(await get(`/v1/topups?limit=1&starting_after=${first.data[0].id}`));
    expect(next.data[0].id).toBe(ids[1]);
    refused(await get('/v1/topups?status=done'), 400, 'parameter_invalid');
  });

  it('answers 404 for junk and unknown ids', async () => {
    refused(await get('/v1/topups/top_nope'), 404, 'resource_not_found');
    refused(await get('/v1/topups/top_01jd0000000000000000000000'), 404, 'resource_not_found');
  });
});

describe('security', () => {
  it.each([
    ['GET', '/v1/topups/schema?country=CM'], ['POST', '/v1/topups/estimate'], ['POST', '/v1/topups'], ['GET', '/v1/topups'], ['GET', '/v1/topups/top_01jd0000000000000000000000'],
  ] as const)('%s %s needs a key', async (method, url) => {
    for (const headers of [{}, bearer(`sk_sandbox_${'A'.repeat(43)}`), bearer('garbage')]) {
      const res = await t.app.inject({ method, url, headers, ...(method === 'POST' ? { payload: us() } : {}) });
      expect(res.statusCode).toBe(401);
    }
  });

  it("hides another merchant's top-ups, and sandbox ones from a live key", async () => {
    const mine = await ok(await post('/v1/topups', us()), 201);
    refused(await get(`/v1/topups/${mine.id}`, other.key), 404, 'resource_not_found');
    expect((await ok(await get('/v1/topups', other.key))).data.map((x: { id: string }) => x.id)).not.toContain(mine.id);

    await ok(await t.app.inject({ method: 'POST', url: `/admin/v1/merchants/${m.id}/live_access`, headers: adminHeaders }));
    const live = await ok(await t.app.inject({ method: 'POST', url: `/admin/v1/merchants/${m.id}/keys`, headers: adminHeaders, payload: { mode: 'live' } }), 201);
    refused(await get(`/v1/topups/${mine.id}`, live.api_key), 404, 'resource_not_found');
    expect((await ok(await get('/v1/topups', live.api_key))).data).toEqual([]);
    // No live provider configured: live top-ups are refused before anything moves.
    refused(await post('/v1/topups', us(), live.api_key), 422, 'topup_unavailable');
    // The live catalogue is empty until the operator fills it.
    expect((await ok(await get('/v1/topups/schema?country=CM', live.api_key))).operators).toEqual([]);
    await runJob();
  });

  it('needs the write scope to send', async () => {
    const readOnly = await ok(await t.app.inject({ method: 'POST', url: `/admin/v1/merchants/${m.id}/keys`, headers: adminHeaders, payload: { mode: 'sandbox', scopes: ['read'] } }), 201);
    refused(await post('/v1/topups', us(), readOnly.api_key), 403, 'insufficient_scope');
    expect((await ok(await get('/v1/topups/schema?country=US', readOnly.api_key))).operators.length).toBe(2);
  });
});

describe('country availability', () => {
  it('refuses schema, estimate and send where the operator switched top-ups off', async () => {
    const setTopup = (topup: boolean) => t.app.inject({ method: 'PUT', url: '/admin/v1/countries/CM', headers: adminHeaders, payload: { services: { topup } } });
    await ok(await setTopup(false));
    try {
      const before = await wallet();
      refused(await get('/v1/topups/schema?country=CM'), 422, 'country_not_supported', 'country');
      refused(await post('/v1/topups/estimate', cm()), 422, 'country_not_supported', 'country');
      refused(await post('/v1/topups', cm()), 422, 'country_not_supported', 'country');
      expect(await wallet()).toBe(before);
      expect((await ok(await get('/v1/topups/schema?country=US'))).operators.length).toBe(2);
    } finally {
      await ok(await setTopup(true));
    }
    expect((await ok(await get('/v1/topups/schema?country=CM'))).operators.length).toBe(2);
  });
});

describe('the catalogue: GET and PUT /admin/v1/topup_products', () => {
  const admin = (method: 'GET' | 'PUT', url: string, payload?: object) => t.app.inject({ method, url, headers: adminHeaders, ...(payload ? { payload } : {}) });
  const gh = { country: 'GH', operator: 'MTN', currency: 'GHS', denominations: [500, 1000], wallet_currency: 'USD', rate: '0.08', fee_fixed: 10, fee_percent_bps: 100 };

  it('shows the default sandbox catalogue', async () => {
    const body = await ok(await admin('GET', '/admin/v1/topup_products?mode=sandbox'));
    expect(body.data.map((p: { country: string; operator: string }) => `${p.country}:${p.operator}`)).toEqual(['CM:MTN', 'CM:Orange', 'US:AT&T', 'US:T-Mobile']);
    expect(body.data[0]).toMatchObject({ object: 'topup_product', mode: 'sandbox', currency: 'XAF', rate: '0.0017', fee_fixed: 25, fee_percent_bps: 200, min_amount: 100, max_amount: 50_000, denominations: null });
  });

  it('replaces the catalogue of one mode only, audited', async () => {
    const res = await ok(await admin('PUT', '/admin/v1/topup_products', { mode: 'live', products: [gh] }));
    expect(res.data).toEqual([expect.objectContaining({ mode: 'live', country: 'GH', operator: 'MTN', denominations: [500, 1000], rate: '0.08', provider_operator_id: null })]);
    expect((await ok(await admin('GET', '/admin/v1/topup_products?mode=sandbox'))).data.length).toBe(4);
    expect((await ok(await admin('GET', '/admin/v1/topup_products'))).data.length).toBe(5);
    const audit = await t.db.query("SELECT target FROM audit_log WHERE action = 'topup_products.replace'");
    expect(audit.rows).toEqual([{ target: 'live' }]);
    // Sandbox merchants still see the sandbox catalogue.
    expect((await ok(await get('/v1/topups/schema?country=GH'))).operators).toEqual([]);
  });

  it('puts new sandbox products on sale at once', async () => {
    const current = (await ok(await admin('GET', '/admin/v1/topup_products?mode=sandbox'))).data;
    const wire = current.map((p: Record<string, unknown>) => {
      const { object: _o, mode: _m, updated_at: _u, provider_operator_id: _p, denominations, min_amount: min, max_amount: max, ...rest } = p;
      return { ...rest, ...(denominations ? { denominations } : { min_amount: min, max_amount: max }) };
    });
    await ok(await admin('PUT', '/admin/v1/topup_products', { mode: 'sandbox', products: [...wire, gh] }));
    const estimate = await ok(await post('/v1/topups/estimate', { country: 'GH', operator: 'mtn', phone: '+233 24 123 4567', amount: 1000 }));
    // 10.00 GHS × 0.08 = 0.80 USD; fee 0.10 + 1 % of 0.80 (0.008 → 0.01) = 0.11.
    expect(estimate).toMatchObject({ currency: 'GHS', price: 80, fee: 11, total: 91, wallet_currency: 'USD' });
    await ok(await admin('PUT', '/admin/v1/topup_products', { mode: 'sandbox', products: wire }));
    refused(await post('/v1/topups/estimate', { country: 'GH', operator: 'MTN', phone: '+233241234567', amount: 1000 }), 400, 'parameter_invalid', 'operator');
  });

  it.each([
    ['both denominations and a range', { ...gh, min_amount: 1, max_amount: 2 }, 'products.0.denominations'],
    ['neither denominations nor a range', { ...gh, denominations: undefined }, 'products.0.denominations'],
    ['half a range', { ...gh, denominations: undefined, min_amount: 5 }, 'products.0.max_amount'],
    ['an inverted range', { ...gh, denominations: undefined, min_amount: 5, max_amount: 4 }, 'products.0.min_amount'],
    ['denominations out of order', { ...gh, denominations: [1000, 500] }, 'products.0.denominations'],
    ['a rate that is not a decimal', { ...gh, rate: '1e-3' }, 'products.0.rate'],
    ['a zero rate', { ...gh, rate: '0' }, 'products.0.rate'],
    ['an unknown airtime currency', { ...gh, currency: 'ZZZ' }, 'products.0.currency'],
    ['a wallet currency without a ledger', { ...gh, wallet_currency: 'COP' }, 'products.0.wallet_currency'],
    ['a country that does not exist', { ...gh, country: 'XX' }, 'products.0.country'],
    ['an operator name with a trailing space', { ...gh, operator: 'MTN ' }, 'products.0.operator'],
    ['a fractional denomination', { ...gh, denominations: [500.5] }, 'products.0.denominations.0'],
  ])('refuses %s with 400 and changes nothing', async (_name, product, param) => {
    const before = (await ok(await admin('GET', '/admin/v1/topup_products?mode=live'))).data;
    refused(await admin('PUT', '/admin/v1/topup_products', { mode: 'live', products: [product] }), 400, 'parameter_invalid', param);
    expect((await ok(await admin('GET', '/admin/v1/topup_products?mode=live'))).data).toEqual(before);
  });

  it('refuses the same operator twice in one country', async () => {
    refused(await admin('PUT', '/admin/v1/topup_products', { mode: 'live', products: [gh, { ...gh, operator: 'mtn' }] }), 400, 'parameter_invalid', 'products.1.operator');
  });

  it('is for the operator only', async () => {
    for (const headers of [{}, bearer(m.key), bearer('not-the-admin-token-0000')]) {
      expect((await t.app.inject({ url: '/admin/v1/topup_products', headers })).statusCode).toBe(401);
      expect((await t.app.inject({ method: 'PUT', url: '/admin/v1/topup_products', headers, payload: { mode: 'live', products: [] } })).statusCode).toBe(401);
    }
  });
});
