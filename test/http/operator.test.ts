import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, bearer, buildTestApp, createMerchant, type TestApp } from '../harness.ts';
import { customerWithAccount, issueCard } from '../fixtures/flows.ts';
import { generatePan } from '../../src/crypto/index.ts';
import { clear, increment } from '../../src/authorizations/index.ts';
import { kazepay } from '@tessera/sdk';

const { buildRequest, openResponse } = kazepay;

/**
 * The operator's reads and actions (issue 12, item 6): fee schedules, FX rates, card stock, the audit log and its
 * verification, merchant search, suspension and withdrawing live access; happy, error and security cases each.
 */

let t: TestApp;
let m: { id: string; key: string };
let other: { id: string; key: string };

beforeAll(async () => {
  t = await buildTestApp();
  m = await createMerchant(t.app, 'Operator Test Co');
  other = await createMerchant(t.app, 'Bystander Ltd');
});
afterAll(async () => t.close());

const admin = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: adminHeaders, ...(payload ? { payload } : {}) });
const me = (key: string) => t.app.inject({ url: '/v1/merchant', headers: bearer(key) });
const UNKNOWN_MERCHANT = 'mch_01m80jq3m4f25b04kxejzk5vqd';

async function ok(res: { statusCode: number; body: string; json(): unknown }, status = 200) {
  expect(res.statusCode, res.body).toBe(status);
  return res.json() as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

async function liveKey(merchantId: string): Promise<string> {
  await ok(await admin('POST', `/admin/v1/merchants/${merchantId}/live_access`));
  return (await ok(await admin('POST', `/admin/v1/merchants/${merchantId}/keys`, { mode: 'live' }), 201)).api_key as string;
}

describe('GET /admin/v1/merchants/{id}/fee_schedule', () => {
  it('answers the default schedule until one is set, then the one set', async () => {
    const merchant = await createMerchant(t.app, 'Fees');
    expect(await ok(await admin('GET', `/admin/v1/merchants/${merchant.id}/fee_schedule`))).toEqual({
      object: 'fee_schedule', merchant_id: merchant.id, authorization_fixed: 100, authorization_percent_bps: 100, funding_fixed: 0,
      funding_percent_bps: 0, fx_percent_bps: 0, authorization_mode: 'direct', clearing_tolerance_bps: expect.any(Number),
    });
    const set = await ok(await admin('PUT', `/admin/v1/merchants/${merchant.id}/fee_schedule`, {
      authorization_fixed: 50, authorization_percent_bps: 150, funding_fixed: 10, funding_percent_bps: 0, fx_percent_bps: 200,
      authorization_mode: 'reserve', clearing_tolerance_bps: 1500,
    }));
    expect(await ok(await admin('GET', `/admin/v1/merchants/${merchant.id}/fee_schedule`))).toEqual(set);
    expect(set).toMatchObject({ authorization_fixed: 50, fx_percent_bps: 200, authorization_mode: 'reserve', clearing_tolerance_bps: 1500 });
  });

  it('answers 404 for an unknown or malformed merchant id', async () => {
    for (const id of [UNKNOWN_MERCHANT, 'nope']) {
      const res = await admin('GET', `/admin/v1/merchants/${id}/fee_schedule`);
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe('resource_not_found');
    }
  });
});

describe('GET /admin/v1/fx_rates', () => {
  it('lists every rate by pair with when it was set, as the PUT stored it', async () => {
    await ok(await admin('PUT', '/admin/v1/fx_rates', { rates: [{ from: 'EUR', to: 'USD', rate: '1.085' }, { from: 'USD', to: 'EUR', rate: '0.92' }] }));
    const body = await ok(await admin('GET', '/admin/v1/fx_rates'));
    expect(body).toMatchObject({ object: 'list', has_more: false });
    expect(body.data).toEqual(expect.arrayContaining([
      { from: 'EUR', to: 'USD', rate: '1.085', updated_at: '2026-11-22T12:00:00.000Z' },
      { from: 'USD', to: 'EUR', rate: '0.92', updated_at: '2026-11-22T12:00:00.000Z' },
    ]));
    const pairs = body.data.map((r: { from: string; to: string }) => `${r.from}>${r.to}`);
    expect(pairs).toEqual([...pairs].sort());
  });

  it('refuses query parameters it does not know', async () => {
    expect((await admin('GET', '/admin/v1/fx_rates?from=EUR')).statusCode).toBe(400);
  });
});

describe('GET /admin/v1/card_stock', () => {
  const stockCard = (number: string) => ({ card_number: number, brand: 'VISA', exp_month: 7, exp_year: 2029, currency: 'USD' });
  let numbers: { sandbox: string[]; live: string; other: string; assigned: string };
  let assignedCardId: string;
  let owner: { id: string; key: string };

  beforeAll(async () => {
    owner = await createMerchant(t.app, 'Stock holder');
    const fresh = () => generatePan('493724');
    numbers = { sandbox: [fresh(), fresh()], live: fresh(), other: fresh(), assigned: fresh() };
    await ok(await admin('POST', '/admin/v1/card_stock', { merchant_id: owner.id, mode: 'sandbox', cards: [...numbers.sandbox, numbers.assigned].map(stockCard) }), 201);
    await ok(await admin('POST', '/admin/v1/card_stock', { merchant_id: owner.id, mode: 'live', cards: [stockCard(numbers.live)] }), 201);
    await ok(await admin('POST', '/admin/v1/card_stock', { merchant_id: other.id, mode: 'sandbox', cards: [stockCard(numbers.other)] }), 201);
    const { accountId } = await customerWithAccount(t.app, owner.key, { kyc: true });
    const card = await ok(await t.app.inject({
      method: 'POST', url: '/v1/cards/assign', headers: bearer(owner.key), payload: { account_id: accountId, card_number: numbers.assigned, auto_activate: true },
    }), 201);
    assignedCardId = card.id as string;
    // Stock from before stock had an owner (migration 0012): no merchant, no mode.
    await t.db.query(
      `INSERT INTO card_stock (pan_fingerprint, pan_sealed, brand, bin, last4, exp_month, exp_year, currency, imported_at)
       VALUES ('test-ownerless', '\\x00', 'VISA', '493724', '0005', 1, 2030, 'USD', now())`);
  });

  const stock = async (query: string) => (await ok(await admin('GET', `/admin/v1/card_stock${query}`))) as { data: Record<string, unknown>[]; has_more: boolean };

  it("filters by merchant, mode and status, shows BIN and last four only, and never a number", async () => {
    const mine = await stock(`?merchant_id=${owner.id}&limit=100`);
    expect(mine.data).toHaveLength(4);
    const all = [...numbers.sandbox, numbers.live, numbers.assigned];
    expect(mine.data.map((c) => c.last4).sort()).toEqual(all.map((n) => n.slice(-4)).sort());
    for (const c of mine.data) {
      expect(c).toMatchObject({ object: 'card_stock', bin: '493724', brand: 'VISA', merchant_id: owner.id, currency: 'USD', exp_month: 7, exp_year: 2029 });
      expect(c.id).toMatch(/^stock_[0-9]+$/);
    }
    const text = JSON.stringify(await stock('?limit=100'));
    for (const n of [...all, numbers.other]) expect(text).not.toContain(n);
    const live = await stock(`?merchant_id=${owner.id}&mode=live`);
    expect(live.data.map((c) => c.last4)).toEqual([numbers.live.slice(-4)]);
    const assigned = await stock(`?merchant_id=${owner.id}&status=assigned`);
    expect(assigned.data).toEqual([expect.objectContaining({ status: 'assigned', assigned_card_id: assignedCardId, last4: numbers.assigned.slice(-4), mode: 'sandbox' })]);
    const available = await stock(`?merchant_id=${owner.id}&mode=sandbox&status=available`);
    expect(available.data.map((c) => c.last4).sort()).toEqual(numbers.sandbox.map((n) => n.slice(-4)).sort());
    expect(available.data.every((c) => c.assigned_card_id === null)).toBe(true);
    const unowned = await stock('?status=unowned');
    expect(unowned.data).toEqual([expect.objectContaining({ status: 'unowned', merchant_id: null, mode: null, last4: '0005' })]);
    const theirs = await stock(`?merchant_id=${other.id}`);
    expect(theirs.data.map((c) => c.last4)).toEqual([numbers.other.slice(-4)]);
    expect((await stock(`?merchant_id=${UNKNOWN_MERCHANT}`)).data).toEqual([]);
  });

  it('pages newest import first with starting_after', async () => {
    const whole = await stock(`?merchant_id=${owner.id}&limit=100`);
    // The live import came after the sandbox one.
    expect(whole.data[0]!.mode).toBe('live');
    const first = await stock(`?merchant_id=${owner.id}&limit=3`);
    expect(first.has_more).toBe(true);
    const second = await stock(`?merchant_id=${owner.id}&limit=3&starting_after=${first.data[2]!.id as string}`);
    expect(second.has_more).toBe(false);
    expect([...first.data, ...second.data]).toEqual(whole.data);
  });

  it.each([
    ['a malformed cursor', '?starting_after=card_1', 'starting_after'],
    ['an unknown status', '?status=lost', 'status'],
    ['an unknown mode', '?mode=prod', 'mode'],
    ['an unknown parameter', '?card_number=4242424242424242', 'card_number'],
  ])('refuses %s with 400 naming it', async (_name, query, param) => {
    const res = await admin('GET', `/admin/v1/card_stock${query}`);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.param).toBe(param);
  });
});

describe('GET /admin/v1/merchants?query=', () => {
  let ids: { widgets: string; corp: string; percent: string };
  beforeAll(async () => {
    ids = {
      widgets: (await createMerchant(t.app, 'Acme Widgets')).id,
      corp: (await createMerchant(t.app, 'ACME corp')).id,
      percent: (await createMerchant(t.app, '100% Pure_Acme')).id,
    };
  });
  const search = async (query: string) => (await ok(await admin('GET', `/admin/v1/merchants?${query}`))) as { data: { id: string; name: string }[]; has_more: boolean };

  it('finds names containing the text, ignoring case, newest first', async () => {
    expect((await search('query=acme')).data.map((x) => x.id)).toEqual([ids.percent, ids.corp, ids.widgets]);
    expect((await search('query=WIDGET')).data.map((x) => x.id)).toEqual([ids.widgets]);
    expect((await search('query=nothing%20like%20this')).data).toEqual([]);
  });

  it('finds a merchant by its id', async () => {
    expect((await search(`query=${ids.corp}`)).data.map((x) => x.id)).toEqual([ids.corp]);
    expect((await search(`query=${UNKNOWN_MERCHANT}`)).data).toEqual([]);
  });

  it('takes % and _ literally', async () => {
    expect((await search('query=%25')).data.map((x) => x.id)).toEqual([ids.percent]);
    expect((await search('query=e_A')).data.map((x) => x.id)).toEqual([ids.percent]);
    expect((await search('query=_')).data.map((x) => x.id)).toEqual([ids.percent]);
  });

  it('pages a search with starting_after', async () => {
    const first = await search('query=acme&limit=2');
    expect(first.data.map((x) => x.id)).toEqual([ids.percent, ids.corp]);
    expect(first.has_more).toBe(true);
    const next = await search(`query=acme&limit=2&starting_after=${ids.corp}`);
    expect(next.data.map((x) => x.id)).toEqual([ids.widgets]);
    expect(next.has_more).toBe(false);
  });

  it('lists everyone without a query (or a blank one), and refuses a query over 200 characters', async () => {
    const all = (await search('limit=100')).data.length;
    expect((await search('limit=100&query=%20%20')).data.length).toBe(all);
    const res = await admin('GET', `/admin/v1/merchants?query=${'a'.repeat(201)}`);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.param).toBe('query');
  });
});

describe('POST /admin/v1/merchants/{id}/suspend and /resume', () => {
  const shop = { name: 'Corner Shop', mcc: '5411', country: 'US' };

  /** A card of the merchant with money on it, and one authorization approved (pending) before anything is suspended. */
  async function fundedCard(key: string) {
    const { accountId } = await customerWithAccount(t.app, key);
    const card = await issueCard(t.app, key, accountId);
    await ok(await t.app.inject({ method: 'POST', url: '/v1/simulate/wallet_deposits', headers: bearer(key), payload: { currency: 'USD', amount: 10_000 } }));
    await ok(await t.app.inject({ method: 'POST', url: `/v1/cards/${card.id}/fund`, headers: bearer(key), payload: { amount: 10_000 } }));
    const held = await ok(await t.app.inject({
      method: 'POST', url: '/v1/simulate/authorizations', headers: bearer(key), payload: { card_id: card.id, amount: 500, currency: 'USD', merchant: shop },
    }));
    expect(held.status).toBe('approved');
    return { cardId: card.id, heldId: held.id as string };
  }

  /** An authorization as the network link submits one: straight to the authorization path, no API key involved. */
  const authorize = async (merchantId: string, cardId: string) => (await t.app.authorizations.submit({
    owner: { merchantId, mode: 'sandbox' }, now: t.clock.now(),
    request: { cardId, amount: 300n, currency: 'USD', merchant: shop, partialAllowed: false },
  })).body as { status: string; decline_reason: string | null; response_code: string };

  it("stops the merchant's keys, tokens and cards at once, leaves others alone, and resumes", async () => {
    const merchant = await createMerchant(t.app, 'To suspend');
    const live = await liveKey(merchant.id);
    const { cardId, heldId } = await fundedCard(merchant.key);
    const bystander = await fundedCard(other.key);
    const token = (await ok(await t.app.inject({ method: 'POST', url: '/v1/auth/token', headers: bearer(merchant.key) }))).token as string;
    for (const credential of [merchant.key, token, live]) expect((await me(credential)).statusCode).toBe(200); // cached now

    const suspended = await ok(await admin('POST', `/admin/v1/merchants/${merchant.id}/suspend`, { reason: 'chargeback ratio over 1 %' }));
    expect(suspended).toMatchObject({ id: merchant.id, suspended: true, suspended_at: '2026-11-22T12:00:00.000Z', suspension_reason: 'chargeback ratio over 1 %' });
    for (const credential of [merchant.key, token, live]) {
      const res = await me(credential);
      expect(res.statusCode).toBe(403);
      expect(res.json().error).toMatchObject({ type: 'permission_error', code: 'merchant_suspended' });
    }
    const mint = await t.app.inject({ method: 'POST', url: '/v1/auth/token', headers: bearer(merchant.key) });
    expect(mint.json().error.code).toBe('merchant_suspended');
    const facade = await t.app.inject({ method: 'POST', url: '/krezypay/v1/sandbox/card/retrieve_card', headers: bearer(merchant.key), payload: { card_id: cardId } });
    // KrezyPay answers every refused credential 401 in its own shape (seed 000), with the reason in its words.
    expect(facade.statusCode).toBe(401);
    expect(facade.json()).toEqual({ status: 'error', error: expect.stringContaining('suspended') });

    const declined = await authorize(merchant.id, cardId);
    expect(declined).toMatchObject({ status: 'declined', decline_reason: 'merchant_suspended', response_code: '05' });
    expect(await authorize(other.id, bystander.cardId)).toMatchObject({ status: 'approved', decline_reason: null });
    // What was held before goes on: an increment is more money and declines, a clearing settles what was approved.
    const owner = { merchantId: merchant.id, mode: 'sandbox' as const };
    const inc = await t.db.transaction((tx) => increment(tx, owner, heldId, 100n, t.clock.now()));
    expect(inc.approved).toBe(false);
    expect(inc.transaction).toMatchObject({ declineReason: 'merchant_suspended', responseCode: '05' });
    const cleared = await t.db.transaction((tx) => clear(tx, owner, heldId, 500n, t.clock.now()));
    expect(cleared.authorization.status).toBe('closed');
    // The operator still sees and acts on the merchant.
    expect((await admin('GET', `/admin/v1/merchants/${merchant.id}`)).json().suspended).toBe(true);

    const again = await ok(await admin('POST', `/admin/v1/merchants/${merchant.id}/suspend`));
    expect(again).toMatchObject({ suspended: true, suspended_at: suspended.suspended_at, suspension_reason: null });

    t.clock.advance(60_000);
    const resumed = await ok(await admin('POST', `/admin/v1/merchants/${merchant.id}/resume`));
    expect(resumed).toMatchObject({ suspended: false, suspended_at: null, suspension_reason: null });
    for (const credential of [merchant.key, token, live]) expect((await me(credential)).statusCode).toBe(200);
    expect(await authorize(merchant.id, cardId)).toMatchObject({ status: 'approved', decline_reason: null });
    expect((await ok(await admin('POST', `/admin/v1/merchants/${merchant.id}/resume`))).suspended).toBe(false);

    const { rows } = await t.db.query<{ action: string; actor: string; details: Record<string, unknown> }>(
      "SELECT action, actor, details FROM audit_log WHERE target = $1 AND action IN ('merchant.suspend', 'merchant.resume') ORDER BY seq", [merchant.id]);
    expect(rows).toEqual([
      { action: 'merchant.suspend', actor: 'operator', details: { reason: 'chargeback ratio over 1 %', already_suspended: false } },
      { action: 'merchant.suspend', actor: 'operator', details: { reason: null, already_suspended: true } },
      { action: 'merchant.resume', actor: 'operator', details: { was_suspended: true } },
      { action: 'merchant.resume', actor: 'operator', details: { was_suspended: false } },
    ]);
  });

  it('the KazePay gateway answers FAILED merchant_suspended (not api_key_revoked) while the merchant is suspended', async () => {
    const merchant = await createMerchant(t.app, 'Gateway user');
    const pair = crypto.generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
    const g = await ok(await t.app.inject({ method: 'PUT', url: '/v1/gateway_keys', headers: bearer(merchant.key), payload: { public_key_pem: pair.publicKey } }));
    const creds = { sysId: g.sys_id as string, merchantPrivateKey: pair.privateKey, gatewayPublicKey: g.gateway_public_key_pem as string };
    const balance = async () => {
      const request = buildRequest(creds, 'cardBalance', { cardID: 'card_01m80jq3m4f25b04kxejzk5vqd', currency: 'USD' });
      const res = await t.app.inject({ method: 'POST', url: '/kazepay/gateway', payload: request as object });
      expect(res.statusCode, res.body).toBe(200);
      return openResponse(creds, res.json(), request.head).result as Record<string, unknown>;
    };
    expect((await balance()).code).toBe('resource_not_found');
    await ok(await admin('POST', `/admin/v1/merchants/${merchant.id}/suspend`));
    expect(await balance()).toMatchObject({ encrypt: 'FAILED', code: 'merchant_suspended' });
    await ok(await admin('POST', `/admin/v1/merchants/${merchant.id}/resume`));
    expect((await balance()).code).toBe('resource_not_found');
  });

  it('a revoked key stays 401 revoked while its merchant is suspended; live access still applies after a resume', async () => {
    const merchant = await createMerchant(t.app, 'Revoked and suspended');
    const k = await ok(await admin('POST', `/admin/v1/merchants/${merchant.id}/keys`, { mode: 'live' }), 201);
    await ok(await admin('DELETE', `/admin/v1/merchants/${merchant.id}/keys/${k.id as string}`));
    await ok(await admin('POST', `/admin/v1/merchants/${merchant.id}/suspend`));
    expect((await me(k.api_key as string)).json().error.code).toBe('api_key_revoked');
    const live = await ok(await admin('POST', `/admin/v1/merchants/${merchant.id}/keys`, { mode: 'live' }), 201);
    expect((await me(live.api_key as string)).json().error.code).toBe('merchant_suspended');
    await ok(await admin('POST', `/admin/v1/merchants/${merchant.id}/resume`));
    expect((await me(live.api_key as string)).json().error.code).toBe('live_access_required');
  });

  it('answers 404 for an unknown merchant and 400 for a bad reason, changing nothing', async () => {
    for (const path of ['suspend', 'resume']) {
      for (const id of [UNKNOWN_MERCHANT, 'nope']) {
        const res = await admin('POST', `/admin/v1/merchants/${id}/${path}`);
        expect(res.statusCode, `${path} ${id}`).toBe(404);
      }
    }
    for (const payload of [{ reason: '' }, { reason: 'x'.repeat(501) }, { reason: 5 }, { why: 'x' }]) {
      const res = await admin('POST', `/admin/v1/merchants/${m.id}/suspend`, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
    }
    expect((await me(m.key)).statusCode).toBe(200);
  });
});

describe('DELETE /admin/v1/merchants/{id}/live_access', () => {
  it("turns the merchant's live keys back to 403 live_access_required at once; sandbox keys and a new grant work", async () => {
    const merchant = await createMerchant(t.app, 'Loses live');
    const live = await liveKey(merchant.id);
    expect((await me(live)).statusCode).toBe(200); // cached now
    const res = await ok(await admin('DELETE', `/admin/v1/merchants/${merchant.id}/live_access`));
    expect(res).toMatchObject({ id: merchant.id, live_access: false });
    const after = await me(live);
    expect(after.statusCode).toBe(403);
    expect(after.json().error.code).toBe('live_access_required');
    expect((await me(merchant.key)).statusCode).toBe(200);
    expect((await ok(await admin('DELETE', `/admin/v1/merchants/${merchant.id}/live_access`))).live_access).toBe(false);
    await ok(await admin('POST', `/admin/v1/merchants/${merchant.id}/live_access`));
    expect((await me(live)).statusCode).toBe(200);
    const { rows } = await t.db.query<{ details: Record<string, unknown> }>(
      "SELECT details FROM audit_log WHERE action = 'merchant.live_access.revoke' AND target = $1 ORDER BY seq", [merchant.id]);
    expect(rows.map((r) => r.details)).toEqual([{ had_live_access: true }, { had_live_access: false }]);
  });

  it('answers 404 for an unknown merchant', async () => {
    for (const id of [UNKNOWN_MERCHANT, 'nope']) expect((await admin('DELETE', `/admin/v1/merchants/${id}/live_access`)).statusCode).toBe(404);
  });
});

describe('GET /admin/v1/audit_log', () => {
  type Entry = { id: string; seq: string; at: string; actor: string; action: string; target: string | null; result: string; details: Record<string, unknown>; hash: string };
  const read = async (query = '') => (await ok(await admin('GET', `/admin/v1/audit_log${query}`))) as { data: Entry[]; has_more: boolean };

  it('reads newest first, in chain order, with every field and never a secret', async () => {
    const body = await read('?limit=100');
    expect(body.data.length).toBeGreaterThan(5);
    const seqs = body.data.map((e) => BigInt(e.seq));
    expect(seqs).toEqual([...seqs].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0)));
    expect(body.data[0]).toEqual({
      id: expect.stringMatching(/^aud_/), object: 'audit_entry', seq: expect.stringMatching(/^[0-9]+$/), at: expect.any(String),
      actor: expect.any(String), action: expect.any(String), target: expect.anything(), result: expect.stringMatching(/^(success|failure)$/),
      origin: expect.anything(), details: expect.any(Object), hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(JSON.stringify(body)).not.toMatch(/sk_(sandbox|live)_[A-Za-z0-9_-]{43}/);
  });

  it('filters by actor, action, target and time, and the filters combine', async () => {
    const merchant = await createMerchant(t.app, 'Audited');
    t.clock.advance(3_600_000);
    const from = t.clock.now().toISOString();
    await ok(await admin('POST', `/admin/v1/merchants/${merchant.id}/suspend`, { reason: 'audit test' }));
    await ok(await admin('POST', `/admin/v1/merchants/${merchant.id}/resume`));
    t.clock.advance(1_000);
    const to = t.clock.now().toISOString();
    await me('sk_sandbox_not-a-key');

    const byTarget = await read(`?target=${merchant.id}`);
    expect(byTarget.data.map((e) => e.action)).toEqual(['merchant.resume', 'merchant.suspend', 'merchant.create']);
    expect(byTarget.data.every((e) => e.target === merchant.id)).toBe(true);
    const suspensions = await read(`?action=merchant.suspend&target=${merchant.id}`);
    expect(suspensions.data).toHaveLength(1);
    expect(suspensions.data[0]).toMatchObject({ actor: 'operator', result: 'success', details: { reason: 'audit test', already_suspended: false } });
    const windowed = await read(`?target=${merchant.id}&from=${from}&to=${to}`);
    expect(windowed.data.map((e) => e.action)).toEqual(['merchant.resume', 'merchant.suspend']);
    expect((await read(`?target=${merchant.id}&to=${from}`)).data.map((e) => e.action)).toEqual(['merchant.create']);
    const keyId = (await me(merchant.key)).json().key_id as string;
    const created = await ok(await t.app.inject({ method: 'POST', url: '/v1/api_keys', headers: bearer(merchant.key), payload: { name: 'audited', scopes: ['read'] } }), 201);
    const byActor = await read(`?actor=${keyId}`);
    expect(byActor.data).toEqual([expect.objectContaining({ action: 'api_key.create', target: created.id, actor: keyId })]);
    const failures = await read('?action=auth.failure&limit=1');
    expect(failures.data[0]).toMatchObject({ actor: 'anonymous', result: 'failure', action: 'auth.failure' });
    expect((await read('?actor=nobody-at-all')).data).toEqual([]);
  });

  it('pages with starting_after', async () => {
    const all = (await read('?limit=100')).data;
    const first = await read('?limit=2');
    expect(first.has_more).toBe(true);
    const next = await read(`?limit=2&starting_after=${first.data[1]!.id}`);
    expect([...first.data, ...next.data].map((e) => e.id)).toEqual(all.slice(0, 4).map((e) => e.id));
  });

  it.each([
    ['a malformed time', '?from=yesterday', 'from'],
    ['a range that ends before it starts', '?from=2026-11-22T12:00:00Z&to=2026-11-22T11:00:00Z', 'to'],
    ['an unknown parameter', '?object=x', 'object'],
    ['an empty filter', '?actor=', 'actor'],
    ['a cursor that names no entry', '?starting_after=aud_01m80jq3m4f25b04kxejzk5vqd', 'starting_after'],
  ])('refuses %s with 400 naming it', async (_name, query, param) => {
    const res = await admin('GET', `/admin/v1/audit_log${query}`);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.param).toBe(param);
  });
});

// The admin security cases of every operator route (no token, a wrong one, a merchant's key): test/http/security.

// Last: it edits the log behind the trigger's back.
describe('GET /admin/v1/audit_log/verify', () => {
  it('verifies the chain, and names the first entry that was tampered with', async () => {
    const good = await ok(await admin('GET', '/admin/v1/audit_log/verify'));
    expect(good).toMatchObject({ object: 'audit_log_verification', ok: true, broken_at: null });
    const count = (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log')).rows[0]!.n;
    expect(good.entries).toBe(count);
    const last = (await t.db.query<{ hash: Buffer }>('SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1')).rows[0]!;
    expect(good.head_hash).toBe(last.hash.toString('hex'));

    await t.db.query('ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update');
    await t.db.query("UPDATE audit_log SET details = '{\"reason\": \"edited\"}' WHERE seq = 3");
    await t.db.query('ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update');
    const bad = await ok(await admin('GET', '/admin/v1/audit_log/verify'));
    expect(bad).toMatchObject({ ok: false, broken_at: '3', entries: 3 });
  });
});
