import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, bearer, buildTestApp, createMerchant, onPostgres, type TestApp } from '../harness.ts';
import { revealKey } from '../fixtures/flows.ts';
import { validCustomer } from '../fixtures/customers.ts';
import { dataUrl, jpeg } from '../fixtures/images.ts';
import { ensureAccount } from '../../src/accounts/index.ts';
import type { ActionContext } from '../../src/lib/context.ts';
import { generatePan } from '../../src/crypto/index.ts';
import { MIGRATIONS_DIR } from '../../src/db/migrate.ts';
import { kazepay as envelope, type KazePayCredentials } from '@tessera/sdk';

const { buildRequest, openResponse } = envelope;

/**
 * One account per customer and currency (issue 12): the native API opens it once (a second is 409), and the
 * facades that open accounts by themselves (KrezyPay card/create, KazePay ucardAssign) go through accounts.ensure,
 * so they land on the same account, also under concurrency and over duplicates left from before migration 0021.
 */

let t: TestApp;
let m: { id: string; key: string };
beforeAll(async () => {
  t = await buildTestApp();
  m = await createMerchant(t.app, 'Accounts Co');
});
afterAll(async () => t.close());

const send = (method: 'GET' | 'POST', url: string, payload?: object, key = m.key) =>
  t.app.inject({ method, url, headers: bearer(key), ...(payload ? { payload } : {}) });

async function newCustomer(key = m.key, overrides: Record<string, unknown> = {}): Promise<string> {
  const res = await send('POST', '/v1/customers', validCustomer(overrides), key);
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

const accountsOf = async (customerId: string, key = m.key) =>
  (await send('GET', `/v1/customers/${customerId}/accounts`, undefined, key)).json().data as { id: string; currency: string }[];

const testContext = (): ActionContext => ({ actor: 'test', origin: null, at: t.clock.now() });

const accountCreatedEvents = async (accountId: string) => (await t.db.query<{ n: string }>(
  "SELECT count(*)::text AS n FROM events WHERE type = 'account.created' AND data->'object'->>'id' = $1", [accountId])).rows[0]!.n;

describe('POST /v1/customers/{id}/accounts', () => {
  it('opens one account per currency: a second in the same currency is 409 resource_exists naming currency', async () => {
    const customerId = await newCustomer();
    const usd = await send('POST', `/v1/customers/${customerId}/accounts`, { currency: 'USD' });
    expect(usd.statusCode, usd.body).toBe(201);
    expect(usd.json()).toMatchObject({ object: 'account', customer_id: customerId, currency: 'USD', livemode: false });
    const again = await send('POST', `/v1/customers/${customerId}/accounts`, { currency: 'USD' });
    expect(again.statusCode, again.body).toBe(409);
    expect(again.json().error).toMatchObject({ code: 'resource_exists', param: 'currency' });
    expect((await send('POST', `/v1/customers/${customerId}/accounts`, { currency: 'EUR' })).statusCode).toBe(201);
    expect((await accountsOf(customerId)).map((a) => a.currency).sort()).toEqual(['EUR', 'USD']);
    expect(await accountCreatedEvents(usd.json().id)).toBe('1');
  });

  it('retrieves an account, and answers 404 for another merchant\'s', async () => {
    const customerId = await newCustomer();
    const account = (await send('POST', `/v1/customers/${customerId}/accounts`, { currency: 'USD' })).json();
    expect((await send('GET', `/v1/accounts/${account.id}`)).json()).toEqual(account);
    const other = await createMerchant(t.app, 'Other Co');
    expect((await send('GET', `/v1/accounts/${account.id}`, undefined, other.key)).statusCode).toBe(404);
    expect((await send('POST', `/v1/customers/${customerId}/accounts`, { currency: 'GBP' }, other.key)).statusCode).toBe(404);
  });
});

/** A merchant whose KazePay gateway key is registered (with a key that may reveal, as queryCard needs). */
async function gatewayCredentials(merchant: { id: string }): Promise<KazePayCredentials> {
  const pair = crypto.generateKeyPairSync('rsa', {
    modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const put = await t.app.inject({
    method: 'PUT', url: '/v1/gateway_keys', headers: bearer(await revealKey(t.app, merchant.id)), payload: { public_key_pem: pair.publicKey },
  });
  expect(put.statusCode, put.body).toBe(200);
  const g = put.json() as { sys_id: string; gateway_public_key_pem: string };
  return { sysId: g.sys_id, merchantPrivateKey: pair.privateKey, gatewayPublicKey: g.gateway_public_key_pem };
}

async function kazepay(creds: KazePayCredentials, apiCode: string, payload: object) {
  const request = buildRequest(creds, apiCode, payload);
  const res = await t.app.inject({ method: 'POST', url: '/kazepay/gateway', payload: request });
  expect(res.statusCode, res.body).toBe(200);
  return openResponse(creds, res.json(), request.head).result as Record<string, unknown>;
}

describe('KrezyPay and KazePay use the same account for one customer', () => {
  it('KrezyPay card/create opens the USD account; KazePay ucardAssign puts its stock card on that same account', async () => {
    const creds = await gatewayCredentials(m);
    const email = `same.${crypto.randomBytes(4).toString('hex')}@example.com`;
    const kyc = await kazepay(creds, 'setUcardKyc', {
      email, mobileNumber: '123456789', mobilePrefix: '60', mobilePrefixCountry: 'MY', firstName: 'Ada', lastName: 'Lovelace',
      dateOfBirth: '1985-12-10', addressLine: '1 Main Street', city: 'Paris', countryCode: 'FR', postCode: '75002', state: 'IDF',
      identificationType: 'PASSPORT', identificationNumber: 'A563F186', identificationExpiryDate: '2099-12-31',
      frontImgBase64: dataUrl('image/jpeg', jpeg()), handheldImgBase64: dataUrl('image/jpeg', jpeg(80)),
    });
    expect(kyc.encrypt, JSON.stringify(kyc)).toBe('SUCCESS');
    const customerId = (await send('GET', `/v1/customers?email=${encodeURIComponent(email)}`)).json().data[0].id as string;
    expect((await send('POST', `/v1/simulate/kyc/${customerId}`, { decision: 'PASSED' })).statusCode).toBe(200);

    const krezy = await t.app.inject({
      method: 'POST', url: '/krezypay/v1/sandbox/card/create', headers: bearer(m.key), payload: { customer_id: customerId },
    });
    expect(krezy.statusCode, krezy.body).toBe(200);
    const stock = generatePan('493724');
    const imported = await t.app.inject({
      method: 'POST', url: '/admin/v1/card_stock', headers: adminHeaders,
      payload: { merchant_id: m.id, mode: 'sandbox', cards: [{ card_number: stock, brand: 'VISA', exp_month: 7, exp_year: 2029, currency: 'USD' }] },
    });
    expect(imported.statusCode, imported.body).toBe(201);
    const assigned = await kazepay(creds, 'ucardAssign', { email, cardNumber: stock, autoActive: true });
    expect(assigned.encrypt, JSON.stringify(assigned)).toBe('SUCCESS');

    const accountOf = async (cardId: string) => (await send('GET', `/v1/cards/${cardId}`)).json().account_id as string;
    const accounts = await accountsOf(customerId);
    expect(accounts).toHaveLength(1);
    expect(await accountOf(krezy.json().card_id)).toBe(accounts[0]!.id);
    expect(await accountOf(assigned.cardID as string)).toBe(accounts[0]!.id);
  });
});

describe('migration 0021 over accounts opened twice before it', () => {
  const [up, down] = fs.readFileSync(path.join(MIGRATIONS_DIR, '0021_accounts_one_per_currency.sql'), 'utf8')
    .split('-- Down Migration') as [string, string];

  it('keeps every account, makes the oldest the canonical one, and ensure answers it from then on', async () => {
    const customerId = await newCustomer();
    const first = (await send('POST', `/v1/customers/${customerId}/accounts`, { currency: 'USD' })).json().id as string;
    await t.db.query(down);
    try {
      // As the native API allowed before: two more USD accounts for the same customer (ids are time-ordered).
      for (const suffix of ['zzzzzzzzzzzzzzzzzzzzzzzzzy', 'zzzzzzzzzzzzzzzzzzzzzzzzzz']) {
        await t.db.query(
          `INSERT INTO accounts (id, merchant_id, mode, customer_id, currency, created_at) VALUES ($1, $2, 'sandbox', $3, 'USD', now())`,
          [`acct_${suffix}`, m.id, customerId]);
      }
    } finally {
      await t.db.query(up);
    }
    const { rows } = await t.db.query<{ id: string; duplicate_of: string | null }>(
      'SELECT id, duplicate_of FROM accounts WHERE customer_id = $1 ORDER BY id', [customerId]);
    expect(rows).toEqual([
      { id: first, duplicate_of: null },
      { id: 'acct_zzzzzzzzzzzzzzzzzzzzzzzzzy', duplicate_of: first },
      { id: 'acct_zzzzzzzzzzzzzzzzzzzzzzzzzz', duplicate_of: first },
    ]);
    const ensured = await t.db.transaction((tx) => ensureAccount(tx, { merchantId: m.id, mode: 'sandbox' }, customerId, 'USD', testContext()));
    expect(ensured.id).toBe(first);
    expect((await send('POST', `/v1/customers/${customerId}/accounts`, { currency: 'USD' })).statusCode).toBe(409);
    expect(await accountsOf(customerId)).toHaveLength(3);
  });
});

describe.skipIf(!onPostgres)('accounts.ensure under concurrency (PostgreSQL)', () => {
  it('12 KrezyPay card/create requests at once for one new customer open exactly one USD account', async () => {
    const customerId = await newCustomer();
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => t.app.inject({
      method: 'POST', url: '/krezypay/v1/sandbox/card/create', headers: bearer(m.key),
      payload: i % 2 === 0 ? { customer_id: customerId } : { customer_id: customerId, type: 'physical', shipping_address: validCustomer().address },
    })));
    expect(results.filter((r) => r.statusCode === 200).length, results.map((r) => r.body).join('\n')).toBeGreaterThanOrEqual(1);
    for (const r of results) expect([200, 422], r.body).toContain(r.statusCode);
    const accounts = await accountsOf(customerId);
    expect(accounts).toHaveLength(1);
    expect(await accountCreatedEvents(accounts[0]!.id)).toBe('1');
  });

  it('ensure called by 16 transactions at once, in a currency the merchant never used, agrees on one account', async () => {
    const merchant = await createMerchant(t.app, 'Concurrent Co');
    const customerId = await newCustomer(merchant.key);
    const owner = { merchantId: merchant.id, mode: 'sandbox' as const };
    const ids = await Promise.all(Array.from({ length: 16 }, () =>
      t.db.transaction((tx) => ensureAccount(tx, owner, customerId, 'EUR', testContext())).then((a) => a.id)));
    expect(new Set(ids).size).toBe(1);
    expect(await accountsOf(customerId, merchant.key)).toEqual([expect.objectContaining({ id: ids[0], currency: 'EUR' })]);
    expect(await accountCreatedEvents(ids[0]!)).toBe('1');
  });
});
