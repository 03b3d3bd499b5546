import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLedger } from '../../src/ledger/index.ts';
import { adminHeaders, bearer, buildTestApp, createMerchant, onPostgres, type TestApp } from '../harness.ts';
import { customerWithAccount, issueCard } from '../fixtures/flows.ts';

let t: TestApp;
let m: { id: string; key: string };
beforeAll(async () => {
  t = await buildTestApp();
  m = await createMerchant(t.app, 'Money Co');
});
afterAll(async () => t.close());

const post = (url: string, payload: object, key = m.key) => t.app.inject({ method: 'POST', url, headers: bearer(key), payload });
const get = (url: string, key = m.key) => t.app.inject({ url, headers: bearer(key) });
const shop = { name: 'Corner Shop', mcc: '5411', country: 'US' };

async function ok(res: Awaited<ReturnType<typeof get>>, status = 200) {
  expect(res.statusCode, res.body).toBe(status);
  return res.json();
}
async function balance(cardId: string) {
  return ok(await get(`/v1/cards/${cardId}/balance`));
}
async function wallet(currency = 'USD') {
  return ((await ok(await get('/v1/wallets'))).data.find((w: { currency: string }) => w.currency === currency)?.available ?? 0) as number;
}
async function ledgerClean() {
  const report = await verifyLedger(t.db);
  expect(report.violations).toEqual([]);
  expect(report.ok).toBe(true);
}
async function fundedCard(amount: number, body: Record<string, unknown> = { type: 'virtual' }) {
  const { accountId } = await customerWithAccount(t.app, m.key);
  const card = await issueCard(t.app, m.key, accountId, body);
  await ok(await post('/v1/simulate/wallet_deposits', { currency: 'USD', amount }));
  await ok(await post(`/v1/cards/${card.id}/fund`, { amount }));
  return card;
}
const authorize = async (cardId: string, amount: number, extra: Record<string, unknown> = {}) =>
  ok(await post('/v1/simulate/authorizations', { card_id: cardId, amount, currency: 'USD', merchant: shop, ...extra }));

describe('wallets, funding, withdrawals', () => {
  it('deposits, funds and withdraws, with every balance from the ledger', async () => {
    const { accountId } = await customerWithAccount(t.app, m.key);
    const card = await issueCard(t.app, m.key, accountId);
    const before = await wallet();
    await ok(await post('/v1/simulate/wallet_deposits', { currency: 'USD', amount: 10_000 }));
    expect(await wallet()).toBe(before + 10_000);
    const funding = await ok(await post(`/v1/cards/${card.id}/fund`, { amount: 2_500 }));
    expect(funding).toMatchObject({ type: 'funding', status: 'completed', amount: 2_500, card_id: card.id });
    expect(await balance(card.id)).toMatchObject({ available: 2_500, authorization_balance: 0, pending_holds: 0, currency: 'USD' });
    expect(await wallet()).toBe(before + 7_500);
    await ok(await post(`/v1/cards/${card.id}/withdraw`, { amount: 500 }));
    expect((await balance(card.id)).available).toBe(2_000);
    expect((await ok(await get(`/v1/cards/${card.id}`))).balance).toBe(2_000);
    await ledgerClean();
  });

  it('refuses more than there is with 422 insufficient_funds and moves nothing', async () => {
    const card = await fundedCard(1_000);
    const w = await wallet();
    const tooMuch = await post(`/v1/cards/${card.id}/withdraw`, { amount: 1_001 });
    expect(tooMuch.statusCode).toBe(422);
    expect(tooMuch.json().error.code).toBe('insufficient_funds');
    const overFund = await post(`/v1/cards/${card.id}/fund`, { amount: w + 1 });
    expect(overFund.json().error.code).toBe('insufficient_funds');
    expect((await balance(card.id)).available).toBe(1_000);
    expect(await wallet()).toBe(w);
    await ledgerClean();
  });

  it.each([
    [{ amount: -5 }], [{ amount: 0 }], [{ amount: 1.5 }], [{ amount: '100' }], [{ amount: 2 ** 53 + 2 }], [{}], [{ amount: 5, extra: 1 }],
  ])('refuses a bad amount %o with 400', async (payload) => {
    const card = await fundedCard(100);
    const res = await post(`/v1/cards/${card.id}/fund`, payload);
    expect(res.statusCode).toBe(400);
    expect((await balance(card.id)).available).toBe(100);
  });

  it('refuses deposits in unknown or lower-case currencies', async () => {
    expect((await post('/v1/simulate/wallet_deposits', { currency: 'usd', amount: 5 })).statusCode).toBe(400);
    expect((await post('/v1/simulate/wallet_deposits', { currency: 'XYZ', amount: 5 })).statusCode).toBe(400);
  });

  it('lets the operator credit a live wallet', async () => {
    const res = await t.app.inject({ method: 'POST', url: `/admin/v1/merchants/${m.id}/wallet_credits`, headers: adminHeaders, payload: { currency: 'EUR', amount: 700 } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().livemode).toBe(true);
    expect(await wallet('EUR')).toBe(0); // the sandbox wallet is another wallet
  });
});

describe('reservations (authorization balance)', () => {
  it('estimates 3.00 → fee 1.03, total 4.03, reserves it, and returns the unused part at expiry', async () => {
    const card = await fundedCard(1_000);
    expect(await ok(await post(`/v1/cards/${card.id}/reservations/estimate`, { amount: 300 }))).toMatchObject({ amount: 300, fee: 103, total: 403 });
    const r = await ok(await post(`/v1/cards/${card.id}/reservations`, { amount: 300 }), 201);
    expect(r).toMatchObject({ amount: 300, fee: 103, total: 403 });
    expect(new Date(r.expires_at).getTime() - t.clock.now().getTime()).toBe(10 * 60 * 1000);
    expect(await balance(card.id)).toMatchObject({ available: 597, authorization_balance: 403 });
    // reserve mode: the authorization spends from the reserve, fee included, never twice
    await ok(await t.app.inject({ method: 'PATCH', url: `/v1/cards/${card.id}`, headers: bearer(m.key), payload: { authorization_mode: 'reserve' } }));
    const a = await authorize(card.id, 200);
    expect(a).toMatchObject({ status: 'approved', approved_amount: 200, fee: 102, funding_source: 'reserve' });
    expect(await balance(card.id)).toMatchObject({ available: 597, authorization_balance: 101, pending_holds: 302 });
    const advanced = await ok(await post('/v1/simulate/clock/advance', { seconds: 601 }));
    expect(advanced.expired.reservations).toBe(1);
    expect(await balance(card.id)).toMatchObject({ available: 698, authorization_balance: 0, pending_holds: 302 });
    const events = await t.db.query("SELECT data FROM events WHERE type = 'reservation.expired' AND data->'object'->>'card_id' = $1", [card.id]);
    expect(events.rows).toHaveLength(1);
    await ledgerClean();
  });

  it('lasts 24 hours on business cards', async () => {
    const card = await fundedCard(1_000, { type: 'virtual', tier: 'business' });
    const r = await ok(await post(`/v1/cards/${card.id}/reservations`, { amount: 100 }), 201);
    expect(new Date(r.expires_at).getTime() - new Date(r.expires_at).getTime() + 0).toBe(0);
    const created = (await t.db.query<{ created_at: Date; expires_at: Date }>('SELECT created_at, expires_at FROM reservations WHERE id = $1', [r.id])).rows[0]!;
    expect(created.expires_at.getTime() - created.created_at.getTime()).toBe(24 * 3600 * 1000);
  });
});

describe('authorization lifecycle', () => {
  it('fund → reserve → authorize → increment → partial clear → refund → close, balances checked at each step', async () => {
    const card = await fundedCard(10_000);
    await ledgerClean();
    await ok(await post(`/v1/cards/${card.id}/reservations`, { amount: 1_000 }), 201); // 1000 + 110 fee
    expect(await balance(card.id)).toMatchObject({ available: 8_890, authorization_balance: 1_110, pending_holds: 0 });
    await ledgerClean();

    const a = await authorize(card.id, 3_000); // direct mode: 3000 + fee 130
    expect(a).toMatchObject({ status: 'approved', approved_amount: 3_000, fee: 130, response_code: '00', funding_source: 'available', decision_source: 'tessera' });
    expect(await balance(card.id)).toMatchObject({ available: 5_760, pending_holds: 3_130 });
    await ledgerClean();

    const inc = await ok(await post(`/v1/simulate/authorizations/${a.id}/increment`, { amount: 1_000 }));
    expect(inc.authorization).toMatchObject({ held_amount: 4_000, fee: 140 });
    expect(await balance(card.id)).toMatchObject({ available: 4_750, pending_holds: 4_140 });
    await ledgerClean();

    const cleared = await ok(await post(`/v1/simulate/authorizations/${a.id}/clear`, { amount: 3_500 }));
    expect(cleared.authorization).toMatchObject({ status: 'closed', cleared_amount: 3_500, fee: 135, held_amount: 0 });
    expect(await balance(card.id)).toMatchObject({ available: 5_255, pending_holds: 0 }); // 4750 + 4140 − 3635
    await ledgerClean();

    const refundRes = await ok(await post('/v1/simulate/refunds', { card_id: card.id, amount: 500, authorization_id: a.id }));
    expect(refundRes).toMatchObject({ type: 'refund', amount: 500 });
    expect((await balance(card.id)).available).toBe(5_755);
    const overRefund = await post('/v1/simulate/refunds', { card_id: card.id, amount: 3_001, authorization_id: a.id });
    expect(overRefund.statusCode).toBe(400);
    await ledgerClean();

    const w = await wallet();
    const closed = await ok(await post(`/v1/cards/${card.id}/close`, {}));
    expect(closed).toMatchObject({ refunded_amount: 5_755 + 1_110, card: { status: 'CLOSED', balance: 0, authorization_balance: 0 } });
    expect(await wallet()).toBe(w + 6_865);
    await ledgerClean();

    const detail = await ok(await get(`/v1/authorizations/${a.id}`));
    expect(detail.history.map((h: { type: string }) => h.type)).toEqual(['authorization', 'increment', 'clearing', 'refund']);
    const declined = await authorize(card.id, 100);
    expect(declined).toMatchObject({ status: 'declined', decline_reason: 'card_inactive', response_code: '62' });
  });

  it('reverses fully and partially, clears for more within tolerance, force-posts and expires holds', async () => {
    const card = await fundedCard(10_000);
    const a = await authorize(card.id, 1_000); // 1000 + 110
    const partial = await ok(await post(`/v1/simulate/authorizations/${a.id}/reverse`, { amount: 400 }));
    expect(partial.authorization).toMatchObject({ status: 'approved', held_amount: 600, fee: 106 });
    expect(await balance(card.id)).toMatchObject({ available: 10_000 - 706, pending_holds: 706 });
    const full = await ok(await post(`/v1/simulate/authorizations/${a.id}/reverse`, {}));
    expect(full.authorization).toMatchObject({ status: 'reversed', held_amount: 0 });
    expect(await balance(card.id)).toMatchObject({ available: 10_000, pending_holds: 0 });
    expect((await post(`/v1/simulate/authorizations/${a.id}/clear`, { amount: 10 })).statusCode).toBe(409);

    const b = await authorize(card.id, 1_000);
    const over = await post(`/v1/simulate/authorizations/${b.id}/clear`, { amount: 1_300 });
    expect(over.statusCode).toBe(422);
    expect(over.json().error.code).toBe('clearing_exceeds_tolerance');
    const within = await ok(await post(`/v1/simulate/authorizations/${b.id}/clear`, { amount: 1_150 }));
    expect(within.authorization).toMatchObject({ cleared_amount: 1_150, fee: 112 });
    expect((await balance(card.id)).available).toBe(10_000 - 1_262);

    const fp = await ok(await post('/v1/simulate/force_posts', { card_id: card.id, amount: 200, merchant: shop }));
    expect(fp).toMatchObject({ type: 'force_post', amount: 200, fee: 102 });
    expect((await balance(card.id)).available).toBe(10_000 - 1_262 - 302);

    const c = await authorize(card.id, 500);
    expect((await balance(card.id)).pending_holds).toBe(605);
    const clock = await ok(await post('/v1/simulate/clock/advance', { seconds: 7 * 24 * 3600 + 1 }));
    expect(clock.expired.authorizations).toBeGreaterThanOrEqual(1);
    expect((await ok(await get(`/v1/authorizations/${c.id}`))).status).toBe('expired');
    expect(await balance(card.id)).toMatchObject({ available: 10_000 - 1_564, pending_holds: 0 });
    await ledgerClean();
  });

  it('declines in order, with reasons and ISO codes, and records declines as transactions', async () => {
    const card = await fundedCard(1_000);
    expect(await authorize(card.id, 898)).toMatchObject({ status: 'declined', decline_reason: 'insufficient_funds', response_code: '51' });
    expect(await authorize(card.id, 2_000, { partial_allowed: true })).toMatchObject({ status: 'approved', approved_amount: 891, fee: 109, response_code: '10', partial: true });
    expect(await authorize('card_01m80jq3m4f25b04kxejzk5vqd', 100)).toMatchObject({ status: 'declined', decline_reason: 'card_not_found', response_code: '14' });
    const other = await createMerchant(t.app, 'Other');
    expect(await authorize(card.id, 1, {})).toMatchObject({ status: 'declined' }); // nothing left
    const foreign = await ok(await post('/v1/simulate/authorizations', { card_id: card.id, amount: 1, currency: 'USD', merchant: shop }, other.key));
    expect(foreign).toMatchObject({ status: 'declined', decline_reason: 'card_not_found', card_id: null });
    const eur = await authorize(card.id, 100, { currency: 'EUR' });
    expect(eur).toMatchObject({ status: 'declined', decline_reason: 'currency_not_supported', response_code: '57' });
    const declines = (await ok(await get(`/v1/transactions?card_id=${card.id}&status=declined`))).data;
    expect(declines.length).toBeGreaterThanOrEqual(3);
  });

  it('converts other currencies with the FX rate and fee, keeping both amounts', async () => {
    await ok(await t.app.inject({ method: 'PUT', url: '/admin/v1/fx_rates', headers: adminHeaders, payload: { rates: [{ from: 'EUR', to: 'USD', rate: '1.085' }] } }));
    await ok(await t.app.inject({ method: 'PUT', url: `/admin/v1/merchants/${m.id}/fee_schedule`, headers: adminHeaders, payload: { authorization_fixed: 100, authorization_percent_bps: 100, funding_fixed: 0, funding_percent_bps: 0, fx_percent_bps: 200 } }));
    const card = await fundedCard(10_000);
    const a = await authorize(card.id, 1_000, { currency: 'EUR' });
    expect(a).toMatchObject({ status: 'approved', approved_amount: 1_085, currency: 'USD', merchant_amount: 1_000, merchant_currency: 'EUR', fx_rate: '1.085', fee: 100 + 11 + 22 });
    await ok(await t.app.inject({ method: 'PUT', url: `/admin/v1/merchants/${m.id}/fee_schedule`, headers: adminHeaders, payload: { authorization_fixed: 100, authorization_percent_bps: 100, funding_fixed: 0, funding_percent_bps: 0, fx_percent_bps: 0 } }));
  });

  it('applies card and customer spending controls', async () => {
    const card = await fundedCard(100_000);
    const setCtl = (payload: object, url = `/v1/cards/${card.id}/spending_controls`) => t.app.inject({ method: 'PUT', url, headers: bearer(m.key), payload });
    expect((await setCtl({ blocked_mccs: ['54x1'] })).statusCode).toBe(400);
    await ok(await setCtl({ per_authorization: 5_000, daily: 8_000, blocked_countries: ['KP'], daily_count: 3 }));
    expect(await authorize(card.id, 5_001)).toMatchObject({ decline_reason: 'spending_controls', response_code: '61' });
    expect(await authorize(card.id, 5_000)).toMatchObject({ status: 'approved' });
    expect(await authorize(card.id, 3_001)).toMatchObject({ decline_reason: 'spending_controls' });
    expect(await authorize(card.id, 100, { merchant: { ...shop, country: 'KP' } })).toMatchObject({ decline_reason: 'merchant_not_allowed', response_code: '57' });
    expect(await authorize(card.id, 100)).toMatchObject({ status: 'approved' });
    expect(await authorize(card.id, 100)).toMatchObject({ status: 'approved' });
    expect(await authorize(card.id, 100)).toMatchObject({ decline_reason: 'velocity_exceeded', response_code: '65' });
    expect((await ok(await get(`/v1/cards/${card.id}/spending_controls`))).daily).toBe(8_000);
  });
});

describe('group commit', () => {
  it('decides concurrent authorizations together: fewer batches than requests, each answered after its commit', async () => {
    const card = await fundedCard(100_000);
    const before = t.app.authorizations.lanes.stats;
    const results = await Promise.all(Array.from({ length: 12 }, () => authorize(card.id, 100)));
    await t.app.authorizations.idle();
    const after = t.app.authorizations.lanes.stats;
    expect(results.every((r) => r.status === 'approved')).toBe(true);
    expect(after.items - before.items).toBe(12);
    // PGlite is one connection: requests' own queries interleave with batches, so grouping shows on PostgreSQL.
    if (onPostgres) expect(after.batches - before.batches).toBeLessThan(12);
    expect(after.pending).toBe(0);
    expect((await balance(card.id)).pending_holds).toBe(12 * 201);
    await ledgerClean();
  });
});

describe('real-time decisions', () => {
  it('asks the merchant endpoint (Standard Webhooks and RFC 9421 signed), applies its answer, and falls back on timeout', async () => {
    const http = await import('node:http');
    const { standardSignature } = await import('../../src/authorizations/index.ts');
    let mode: 'approve' | 'decline' | 'partial' | 'slow' = 'approve';
    let secret = '';
    let verified = 0;
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        const sig = standardSignature(secret, String(req.headers['webhook-id']), Number(req.headers['webhook-timestamp']), body);
        if (req.headers['webhook-signature'] === sig && /keyid=/.test(String(req.headers['signature-input'])) && req.headers['content-digest']) verified++;
        const answer = mode === 'approve' ? { approved: true } : mode === 'decline' ? { approved: false } : { approved: true, amount: 150 };
        const send = () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
        if (mode === 'slow') setTimeout(send, 600); else send();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const local = await buildTestApp({ config: { webhooksAllowPrivate: true } });
    try {
      const port = (server.address() as { port: number }).port;
      const t = local; // this test needs loopback endpoints, which only TESSERA_WEBHOOKS_ALLOW_PRIVATE allows
      const post = (url: string, payload: object, key: string) => t.app.inject({ method: 'POST', url, headers: bearer(key), payload });
      const merchant = await createMerchant(t.app, 'Realtime');
      const rt = (payload: object) => t.app.inject({ method: 'PUT', url: '/v1/authorization_endpoint', headers: bearer(merchant.key), payload });
      expect((await rt({ url: "ftp://x", fallback: "approve" })).statusCode).toBe(400);
      const set = await rt({ url: `http://127.0.0.1:${port}/decide`, fallback: 'decline', timeout_ms: 300 });
      expect(set.statusCode, set.body).toBe(200);
      secret = set.json().secret;
      expect(secret).toMatch(/^whsec_/);
      const { accountId } = await customerWithAccount(t.app, merchant.key);
      const card = await issueCard(t.app, merchant.key, accountId);
      await post('/v1/simulate/wallet_deposits', { currency: 'USD', amount: 5_000 }, merchant.key);
      await post(`/v1/cards/${card.id}/fund`, { amount: 5_000 }, merchant.key);
      const auth = async () => (await post('/v1/simulate/authorizations', { card_id: card.id, amount: 300, currency: 'USD', merchant: shop }, merchant.key)).json();
      expect(await auth()).toMatchObject({ status: 'approved', decision_source: 'merchant' });
      mode = 'decline';
      await new Promise((r) => setTimeout(r, 1100)); // the endpoint cache is 1 s; the answer is per request anyway
      expect(await auth()).toMatchObject({ status: 'declined', decline_reason: 'merchant_declined', decision_source: 'merchant', response_code: '05' });
      mode = 'partial';
      expect(await auth()).toMatchObject({ status: 'approved', approved_amount: 150, partial: true });
      mode = 'slow';
      expect(await auth()).toMatchObject({ status: 'declined', decline_reason: 'decision_timeout', decision_source: 'fallback' });
      expect(verified).toBeGreaterThanOrEqual(3);
    } finally {
      await local.close();
      server.close();
    }
  });
});

describe.skipIf(!onPostgres)('authorizations under concurrency (PostgreSQL)', () => {
  it('64 concurrent authorizations for the last 100 (+fee): exactly one approved', async () => {
    for (let round = 0; round < 3; round++) {
      const card = await fundedCard(201); // 100 + fee 101
      const results = await Promise.all(Array.from({ length: 64 }, () => authorize(card.id, 100)));
      expect(results.filter((r) => r.status === 'approved')).toHaveLength(1);
      expect(results.filter((r) => r.decline_reason === 'insufficient_funds')).toHaveLength(63);
      expect(await balance(card.id)).toMatchObject({ available: 0, pending_holds: 201 });
    }
    await ledgerClean();
  });

  it('concurrent authorizations never exceed a daily limit', async () => {
    const card = await fundedCard(1_000_000);
    await ok(await t.app.inject({ method: 'PUT', url: `/v1/cards/${card.id}/spending_controls`, headers: bearer(m.key), payload: { daily: 1_000 } }));
    const results = await Promise.all(Array.from({ length: 40 }, () => authorize(card.id, 100)));
    expect(results.filter((r) => r.status === 'approved')).toHaveLength(10);
  });
});
