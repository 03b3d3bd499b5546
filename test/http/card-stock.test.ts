import fs from 'node:fs';
import { runner } from 'node-pg-migrate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, bearer, buildTestApp, createMerchant, type TestApp } from '../harness.ts';
import { customerWithAccount } from '../fixtures/flows.ts';
import { validCustomer } from '../fixtures/customers.ts';
import { dataUrl, jpeg, png } from '../fixtures/images.ts';
import { generatePan } from '../../src/crypto/index.ts';
import { MIGRATIONS_DIR, migrate } from '../../src/db/migrate.ts';

/**
 * Card stock belongs to one merchant and one mode (issue 10, item 4): only that
 * merchant, with a key of that mode, can assign it, and everyone else gets the
 * answer an unknown number gets.
 */

let t: TestApp;
let m: { id: string; key: string };

beforeAll(async () => {
  t = await buildTestApp();
  m = await createMerchant(t.app, 'Stock owner');
});
afterAll(async () => t.close());

const card = (number: string) => ({ card_number: number, brand: 'VISA', exp_month: 7, exp_year: 2029, currency: 'USD' });
const importStock = (payload: Record<string, unknown>) =>
  t.app.inject({ method: 'POST', url: '/admin/v1/card_stock', headers: adminHeaders, payload });
const assign = (key: string, accountId: string, number: string) =>
  t.app.inject({ method: 'POST', url: '/v1/cards/assign', headers: bearer(key), payload: { account_id: accountId, card_number: number, auto_activate: true } });

/** One number in stock for this merchant and mode. */
async function stocked(merchantId: string, mode: 'sandbox' | 'live'): Promise<string> {
  const number = generatePan('493724');
  const res = await importStock({ merchant_id: merchantId, mode, cards: [card(number)] });
  expect(res.statusCode, res.body).toBe(201);
  return number;
}

/** The error body without its request id, which differs on every request. */
function errorWithoutRequestId(res: { json(): unknown }) {
  const { error } = res.json() as { error: Record<string, unknown> };
  const { request_id: requestId, ...rest } = error;
  expect(requestId).toEqual(expect.any(String));
  return rest;
}

/** A live key for the merchant, and a customer of its live mode whose KYC the operator approved, with a USD account. */
async function liveCustomer(merchantId: string): Promise<{ key: string; accountId: string }> {
  await t.app.inject({ method: 'POST', url: `/admin/v1/merchants/${merchantId}/live_access`, headers: adminHeaders });
  const keyRes = await t.app.inject({ method: 'POST', url: `/admin/v1/merchants/${merchantId}/keys`, headers: adminHeaders, payload: { mode: 'live' } });
  expect(keyRes.statusCode, keyRes.body).toBe(201);
  const key = keyRes.json().api_key as string;
  const customer = (await t.app.inject({ method: 'POST', url: '/v1/customers', headers: bearer(key), payload: validCustomer() })).json();
  const kyc = await t.app.inject({
    method: 'POST', url: `/v1/customers/${customer.id}/kyc`, headers: bearer(key),
    payload: {
      identification_type: 'PASSPORT', identification_number: 'A563F186', identification_expiry_date: '2099-12-31',
      front_image: dataUrl('image/jpeg', jpeg()), handheld_image: dataUrl('image/png', png()),
    },
  });
  expect(kyc.statusCode, kyc.body).toBe(200);
  const approved = await t.app.inject({ method: 'POST', url: `/admin/v1/kyc/${customer.id}/approve`, headers: adminHeaders });
  expect(approved.statusCode, approved.body).toBe(200);
  const account = await t.app.inject({ method: 'POST', url: `/v1/customers/${customer.id}/accounts`, headers: bearer(key), payload: { currency: 'USD' } });
  expect(account.statusCode, account.body).toBe(201);
  return { key, accountId: account.json().id as string };
}

describe('POST /admin/v1/card_stock', () => {
  it('refuses an import without merchant_id or mode, or with a bad mode, with 400 naming the field', async () => {
    const number = generatePan('493724');
    for (const [payload, param] of [
      [{ mode: 'sandbox', cards: [card(number)] }, 'merchant_id'],
      [{ merchant_id: m.id, cards: [card(number)] }, 'mode'],
      [{ merchant_id: m.id, mode: 'test', cards: [card(number)] }, 'mode'],
    ] as const) {
      const res = await importStock(payload);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.param, JSON.stringify(payload)).toBe(param);
    }
    expect((await t.db.query('SELECT 1 FROM card_stock')).rows).toEqual([]);
  });

  it('answers 404 naming merchant_id for a merchant that does not exist, importing nothing', async () => {
    for (const merchantId of ['merchant_01jzzzzzzzzzzzzzzzzzzzzzzz', 'nonsense']) {
      const res = await importStock({ merchant_id: merchantId, mode: 'sandbox', cards: [card(generatePan('493724'))] });
      expect(res.statusCode, res.body).toBe(404);
      expect(res.json().error).toMatchObject({ code: 'resource_not_found', param: 'merchant_id' });
    }
    expect((await t.db.query('SELECT 1 FROM card_stock')).rows).toEqual([]);
  });

  it('records the owner on each card and the merchant and mode in the audit log', async () => {
    const number = await stocked(m.id, 'live');
    const rows = (await t.db.query<{ merchant_id: string; mode: string }>('SELECT merchant_id, mode FROM card_stock WHERE last4 = $1', [number.slice(-4)])).rows;
    expect(rows).toEqual([{ merchant_id: m.id, mode: 'live' }]);
    const audit = await t.db.query<{ target: string; details: Record<string, unknown> }>(
      "SELECT target, details FROM audit_log WHERE action = 'card_stock.import' ORDER BY seq DESC LIMIT 1");
    expect(audit.rows[0]).toMatchObject({ target: m.id, details: { merchant_id: m.id, mode: 'live', count: 1 } });
  });
});

describe('POST /v1/cards/assign', () => {
  it("answers another merchant's sandbox key exactly as it answers an unknown number", async () => {
    const number = await stocked(m.id, 'sandbox');
    const other = await createMerchant(t.app, 'Stock thief');
    const { accountId } = await customerWithAccount(t.app, other.key, { kyc: true });
    const foreign = await assign(other.key, accountId, number);
    const unknown = await assign(other.key, accountId, generatePan('493724'));
    expect(foreign.statusCode).toBe(404);
    expect(unknown.statusCode).toBe(404);
    expect(errorWithoutRequestId(foreign)).toEqual(errorWithoutRequestId(unknown));
    expect(errorWithoutRequestId(foreign)).toMatchObject({ code: 'resource_not_found', param: 'card_number' });
    expect(foreign.headers['content-length']).toBe(unknown.headers['content-length']);
    // Nothing happened to the stock: its owner can still assign it.
    const own = await customerWithAccount(t.app, m.key, { kyc: true });
    expect((await assign(m.key, own.accountId, number)).statusCode).toBe(201);
  });

  it("refuses the owner's live key sandbox stock (the unknown-number 404) and sandbox keys live stock; each mode assigns its own", async () => {
    const owner = await createMerchant(t.app, 'Two modes');
    const live = await liveCustomer(owner.id);
    const sandbox = await customerWithAccount(t.app, owner.key, { kyc: true });
    const sandboxStock = await stocked(owner.id, 'sandbox');
    const liveStock = await stocked(owner.id, 'live');

    const crossLive = await assign(live.key, live.accountId, sandboxStock);
    const unknownLive = await assign(live.key, live.accountId, generatePan('493724'));
    expect(crossLive.statusCode).toBe(404);
    expect(errorWithoutRequestId(crossLive)).toEqual(errorWithoutRequestId(unknownLive));
    const crossSandbox = await assign(owner.key, sandbox.accountId, liveStock);
    expect(crossSandbox.statusCode).toBe(404);
    expect(errorWithoutRequestId(crossSandbox)).toEqual(errorWithoutRequestId(unknownLive));

    const sandboxCard = await assign(owner.key, sandbox.accountId, sandboxStock);
    expect(sandboxCard.statusCode, sandboxCard.body).toBe(201);
    expect(sandboxCard.json()).toMatchObject({ livemode: false, last4: sandboxStock.slice(-4), status: 'ACTIVE' });
    const liveCard = await assign(live.key, live.accountId, liveStock);
    expect(liveCard.statusCode, liveCard.body).toBe(201);
    expect(liveCard.json()).toMatchObject({ livemode: true, last4: liveStock.slice(-4) });
  });
});

describe('migration 0012 on stock imported before stock had an owner', () => {
  /** Undo 0012 (and anything after it), leaving card_stock as it was before owners, then migrate up again. */
  async function replayOwnerMigration(before: () => Promise<void>) {
    const files = fs.readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql'));
    const count = files.filter((f) => f >= '0012_card_stock_owner.sql').length;
    await t.db.withClient((client) => runner({
      dbClient: client, dir: MIGRATIONS_DIR, migrationsTable: 'schema_migrations', direction: 'down', count,
      singleTransaction: true, logger: { debug() {}, info() {}, warn() {}, error() {} }, log: () => {},
    }));
    await before();
    await migrate(t.db);
  }

  it('gives assigned rows their card\'s owner, leaves unassigned ones ownerless (nobody can assign them) until the operator imports them again', async () => {
    const owner = await createMerchant(t.app, 'Legacy stock');
    const assigned = await stocked(owner.id, 'sandbox');
    const { accountId } = await customerWithAccount(t.app, owner.key, { kyc: true });
    const assignedCard = (await assign(owner.key, accountId, assigned)).json();
    const legacy = generatePan('493724');
    await replayOwnerMigration(async () => {
      // A number as the old import left it: no owner at all.
      await t.db.query(
        `INSERT INTO card_stock (pan_fingerprint, pan_sealed, brand, bin, last4, exp_month, exp_year, currency, imported_at)
         VALUES ($1, $2, 'VISA', $3, $4, 7, 2029, 'USD', now())`,
        [await t.keys.fingerprint(legacy), Buffer.from('sealed before 0012'), legacy.slice(0, 6), legacy.slice(-4)]);
    });

    const rows = await t.db.query<{ last4: string; merchant_id: string | null; mode: string | null }>(
      'SELECT last4, merchant_id, mode FROM card_stock WHERE last4 IN ($1, $2)', [assigned.slice(-4), legacy.slice(-4)]);
    expect(rows.rows).toContainEqual({ last4: assigned.slice(-4), merchant_id: owner.id, mode: 'sandbox' });
    expect(rows.rows).toContainEqual({ last4: legacy.slice(-4), merchant_id: null, mode: null });
    expect(assignedCard.last4).toBe(assigned.slice(-4));

    const other = await customerWithAccount(t.app, owner.key, { kyc: true });
    const ownerless = await assign(owner.key, other.accountId, legacy);
    expect(ownerless.statusCode).toBe(404);
    expect(ownerless.json().error).toMatchObject({ code: 'resource_not_found', param: 'card_number' });

    // The operator imports the number again for its merchant: the row is claimed, not refused as known.
    const reimport = await importStock({ merchant_id: owner.id, mode: 'sandbox', cards: [card(legacy)] });
    expect(reimport.statusCode, reimport.body).toBe(201);
    const audit = await t.db.query<{ details: Record<string, unknown> }>(
      "SELECT details FROM audit_log WHERE action = 'card_stock.import' ORDER BY seq DESC LIMIT 1");
    expect(audit.rows[0]!.details).toMatchObject({ merchant_id: owner.id, mode: 'sandbox', count: 1, claimed_ownerless: 1 });
    const claimed = await assign(owner.key, other.accountId, legacy);
    expect(claimed.statusCode, claimed.body).toBe(201);
    // Owned stock is still refused as known.
    const again = await importStock({ merchant_id: owner.id, mode: 'sandbox', cards: [card(legacy)] });
    expect(again.json().error).toMatchObject({ code: 'resource_exists', param: 'cards.0.card_number' });
  });
});
