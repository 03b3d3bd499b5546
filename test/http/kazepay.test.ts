import crypto from 'node:crypto';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, bearer, buildTestApp, createMerchant, type TestApp } from '../harness.ts';
import { loggerOptions } from '../../src/http/logger.ts';
import { customerWithAccount, issueCard, revealKey } from '../fixtures/flows.ts';
import { dataUrl, jpeg, png } from '../fixtures/images.ts';
import { generatePan } from '../../src/crypto/index.ts';
import { verifyLedger } from '../../src/ledger/index.ts';
import { KazePayError, kazepay, type KazePayCredentials, type KazePayRequest } from '@tessera/sdk';
import { signText, requestSigningString } from '../../src/compat/kazepay/envelope.ts';

const { buildRequest, newRequestNo, openResponse } = kazepay;

/**
 * The KazePay gateway (seed 003) end to end through the shipped client:
 * every apiCode with the document's example (real ids, emails and a valid
 * phone substituted), answers checked field by field against the document,
 * and the envelope's security cases.
 */

let t: TestApp;
/** Everything the app logs at trace level, and the card data the tests handled: none of it may appear there. */
const logLines: string[] = [];
const secrets = new Set<string>();

interface Merchant { id: string; key: string; reveal: string; creds: KazePayCredentials }

function rsaPair(bits = 2048) {
  return crypto.generateKeyPairSync('rsa', { modulusLength: bits, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
}

/** A merchant whose gateway key was registered with a sandbox key that may reveal (queryCard). */
async function gatewayMerchant(name: string, registerWith: 'reveal' | 'default' = 'reveal'): Promise<Merchant> {
  const m = await createMerchant(t.app, name);
  const reveal = await revealKey(t.app, m.id);
  const pair = rsaPair();
  const res = await t.app.inject({ method: 'PUT', url: '/v1/gateway_keys', headers: bearer(registerWith === 'reveal' ? reveal : m.key), payload: { public_key_pem: pair.publicKey } });
  expect(res.statusCode, res.body).toBe(200);
  const g = res.json() as { sys_id: string; gateway_public_key_pem: string };
  return { ...m, reveal, creds: { sysId: g.sys_id, merchantPrivateKey: pair.privateKey, gatewayPublicKey: g.gateway_public_key_pem } };
}

const post = (request: unknown) => t.app.inject({ method: 'POST', url: '/kazepay/gateway', payload: request as object });

/** Send through the client as the document shows it, and open the answer (signature verified, body decrypted). */
async function call(m: Merchant, apiCode: string, payload: unknown, options: { requestNo?: string } = {}) {
  const request = buildRequest(m.creds, apiCode, payload, options);
  const res = await post(request);
  expect(res.statusCode, res.body).toBe(200);
  const { head, result } = openResponse(m.creds, res.json(), request.head);
  return { res, request, head, result: result as Record<string, unknown> };
}

/** The result has exactly these fields, each of this type and, for strings, this format. */
function expectFields(result: unknown, fields: Record<string, 'number' | 'boolean' | RegExp>) {
  expect(Object.keys(result as object).sort()).toEqual(Object.keys(fields).sort());
  for (const [name, spec] of Object.entries(fields)) {
    const v = (result as Record<string, unknown>)[name];
    if (spec instanceof RegExp) {
      expect(typeof v, name).toBe('string');
      expect(v, name).toMatch(spec);
    } else {
      expect(typeof v, name).toBe(spec);
    }
  }
}

/** The document's response head, signed and encrypted. */
function expectSignedHead(head: Record<string, unknown>, request: KazePayRequest, code = 'SUCCESS') {
  expect(head).toMatchObject({ apiCode: request.head.apiCode, sysId: request.head.sysId, requestNo: request.head.requestNo, version: '1.0', code });
  if (code === 'SUCCESS') expect(head.detail).toBe('SUCCESS');
  expect(head.sign).toMatch(/^[0-9a-f]{512}$/);
  expect(head.keyEnc).toMatch(/^[0-9a-f]{512}$/);
}

const HEX = /^[0-9a-f]+$/;
const CARD_ID = /^card_[0-9a-z]{26}$/;
const TXN_ID = /^txn_[0-9a-z]{26}$/;
const TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const email = () => `kyc.${crypto.randomBytes(5).toString('hex')}@kazepay.example`;

/** The document's setUcardKyc example, with a real email, a valid Malaysian number and real images. */
const kycExample = (overrides: Record<string, unknown> = {}) => ({
  email: email(), mobileNumber: '123456789', mobilePrefix: '60', mobilePrefixCountry: 'MY',
  firstName: 'Trump', lastName: 'Donald', dateOfBirth: '1958-04-25', addressLine: 'Nashville TN 37011', city: 'Paris',
  countryCode: 'FR', postCode: '223456', state: 'dizhi', identificationType: 'PASSPORT', identificationNumber: 'A563F186',
  identificationExpiryDate: '2099-12-31', frontImgBase64: dataUrl('image/jpeg', jpeg()), handheldImgBase64: dataUrl('image/jpeg', jpeg(80)),
  ...overrides,
});

/** One stock card imported for the merchant (sandbox unless told). */
async function importStock(m: { id: string }, mode: 'sandbox' | 'live' = 'sandbox'): Promise<string> {
  const number = generatePan('493724');
  secrets.add(number);
  const payload = { merchant_id: m.id, mode, cards: [{ card_number: number, brand: 'VISA', exp_month: 7, exp_year: 2029, currency: 'USD' }] };
  const res = await t.app.inject({ method: 'POST', url: '/admin/v1/card_stock', headers: adminHeaders, payload });
  expect(res.statusCode, res.body).toBe(201);
  return number;
}

async function deposit(m: Merchant, amount: number) {
  const res = await t.app.inject({ method: 'POST', url: '/v1/simulate/wallet_deposits', headers: bearer(m.key), payload: { currency: 'USD', amount } });
  expect(res.statusCode, res.body).toBe(200);
}

async function wallet(m: Merchant): Promise<number> {
  const res = await t.app.inject({ url: '/v1/wallets', headers: bearer(m.key) });
  return (res.json().data as { currency: string; available: number }[]).find((w) => w.currency === 'USD')?.available ?? 0;
}

/** A customer whose KYC passed, through the gateway; returns the email. */
async function passedCustomer(m: Merchant): Promise<string> {
  const kyc = kycExample();
  expect((await call(m, 'setUcardKyc', kyc)).result.encrypt).toBe('SUCCESS');
  const customer = (await t.app.inject({ url: `/v1/customers?email=${encodeURIComponent(kyc.email)}`, headers: bearer(m.key) })).json().data[0];
  expect((await t.app.inject({ method: 'POST', url: `/v1/simulate/kyc/${customer.id}`, headers: bearer(m.key), payload: { decision: 'PASSED' } })).statusCode).toBe(200);
  return kyc.email;
}

/** A KYC-passed customer with an active physical card from stock, through the gateway. */
async function activeCard(m: Merchant): Promise<{ cardID: string; email: string; number: string }> {
  const mail = await passedCustomer(m);
  const number = await importStock(m);
  const { result } = await call(m, 'ucardAssign', { email: mail, cardNumber: number, autoActive: true });
  return { cardID: result.cardID as string, email: mail, number };
}

let a: Merchant;

beforeAll(async () => {
  const sink = new Writable({ write(chunk, _enc, cb) { logLines.push(String(chunk)); cb(); } });
  t = await buildTestApp({ logger: pino(loggerOptions('trace'), sink) as never });
  a = await gatewayMerchant('KazePay merchant');
});
afterAll(async () => t.close());

describe('PUT /v1/gateway_keys', () => {
  it("registers the merchant's RSA key and answers the sysId and Tessera's key; replacing the key keeps both", async () => {
    const m = await createMerchant(t.app, 'Keys Co');
    const first = rsaPair();
    const res = await t.app.inject({ method: 'PUT', url: '/v1/gateway_keys', headers: bearer(m.key), payload: { public_key_pem: first.publicKey } });
    expect(res.statusCode, res.body).toBe(200);
    const g = res.json();
    expect(g).toMatchObject({ object: 'gateway_key', livemode: false });
    expect(g.sys_id).toMatch(/^\d{24}$/);
    const tessera = crypto.createPublicKey(g.gateway_public_key_pem);
    expect(tessera.asymmetricKeyType).toBe('rsa');
    expect(tessera.asymmetricKeyDetails?.modulusLength).toBeGreaterThanOrEqual(2048);
    expect((await t.app.inject({ url: '/v1/gateway_keys', headers: bearer(m.key) })).json()).toEqual(g);

    const second = rsaPair(3072);
    const again = (await t.app.inject({ method: 'PUT', url: '/v1/gateway_keys', headers: bearer(m.key), payload: { public_key_pem: second.publicKey } })).json();
    expect(again.sys_id).toBe(g.sys_id);
    expect(again.gateway_public_key_pem).toBe(g.gateway_public_key_pem);
    const m2: Merchant = { ...m, reveal: m.key, creds: { sysId: g.sys_id, merchantPrivateKey: second.privateKey, gatewayPublicKey: g.gateway_public_key_pem } };
    expect((await call(m2, 'queryUcardKycStatus', { email: email() })).result.code).toBe('resource_not_found');
    // The replaced key no longer signs for this gateway.
    const old = buildRequest({ ...m2.creds, merchantPrivateKey: first.privateKey }, 'queryUcardKycStatus', { email: email() });
    expect((await post(old)).statusCode).toBe(401);
    const audits = await t.db.query("SELECT action FROM audit_log WHERE target = $1 AND action LIKE 'kazepay.gateway_key.%' ORDER BY seq", [g.sys_id]);
    expect(audits.rows.map((r) => r.action)).toEqual(['kazepay.gateway_key.register', 'kazepay.gateway_key.replace']);
  });

  it('refuses small, non-RSA and private keys, and unauthenticated calls', async () => {
    const m = await createMerchant(t.app, 'Bad keys');
    const put = (pem: string, headers = bearer(m.key)) => t.app.inject({ method: 'PUT', url: '/v1/gateway_keys', headers, payload: { public_key_pem: pem } });
    const small = await put(rsaPair(1024).publicKey);
    expect(small.statusCode).toBe(400);
    expect(small.json().error).toMatchObject({ code: 'parameter_invalid', param: 'public_key_pem' });
    expect(small.json().error.message).toMatch(/1024 bits/);
    const ec = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect((await put(ec.publicKey.export({ type: 'spki', format: 'pem' }).toString())).statusCode).toBe(400);
    const priv = await put(rsaPair().privateKey);
    expect(priv.statusCode).toBe(400);
    expect(priv.json().error.message).toMatch(/private key/);
    expect((await put('not a key')).statusCode).toBe(400);
    expect((await put(rsaPair().publicKey, {} as never)).statusCode).toBe(401);
    expect((await t.app.inject({ url: '/v1/gateway_keys', headers: bearer(m.key) })).statusCode).toBe(404);
  });
});

describe('the documented flow, every apiCode', () => {
  it('setUcardKyc → KYC → stock → ucardAssign → ucardActive → cardSetPin → cardRecharge → cardBalance → queryTransactions → updCardStatus → queryCard → closeCard', async () => {
    // 1. setUcardKyc: the document's 18 fields.
    const kyc = kycExample();
    const set = await call(a, 'setUcardKyc', kyc);
    expectSignedHead(set.head as never, set.request);
    expect(set.res.json().body.encrypt).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
    expect(set.result).toEqual({ encrypt: 'SUCCESS', status: 'WAITING_KYC' });
    const customers = (await t.app.inject({ url: `/v1/customers?email=${encodeURIComponent(kyc.email)}`, headers: bearer(a.key) })).json().data;
    expect(customers).toHaveLength(1);
    expect(customers[0]).toMatchObject({
      first_name: 'Trump', last_name: 'Donald', email: kyc.email, phone_prefix: '60', phone_number: '123456789', phone_country: 'MY',
      date_of_birth: '1958-04-25', kyc_status: 'WAITING_KYC', livemode: false,
      address: { line1: 'Nashville TN 37011', city: 'Paris', state: 'dizhi', postal_code: '223456', country: 'FR' },
    });
    const customerId = customers[0].id as string;

    // 2. queryUcardKycStatus, then PASSED by the sandbox simulator.
    const waiting = await call(a, 'queryUcardKycStatus', { email: kyc.email });
    expectSignedHead(waiting.head as never, waiting.request);
    expect(waiting.result).toEqual({ encrypt: 'SUCCESS', status: 'WAITING_KYC' });
    expect((await t.app.inject({ method: 'POST', url: `/v1/simulate/kyc/${customerId}`, headers: bearer(a.key), payload: { decision: 'PASSED' } })).statusCode).toBe(200);
    expect((await call(a, 'queryUcardKycStatus', { email: kyc.email })).result).toEqual({ encrypt: 'SUCCESS', status: 'PASSED' });

    // 3. The operator imports stock; ucardAssign without autoActive.
    const number = await importStock(a);
    const assign = await call(a, 'ucardAssign', { email: kyc.email, cardNumber: number, autoActive: false });
    expectSignedHead(assign.head as never, assign.request);
    expectFields(assign.result, { encrypt: /^SUCCESS$/, cardID: CARD_ID });
    const cardID = assign.result.cardID as string;
    const native = (await t.app.inject({ url: `/v1/cards/${cardID}`, headers: bearer(a.key) })).json();
    expect(native).toMatchObject({ type: 'physical', status: 'PENDING_ACTIVATION', customer_id: customerId, currency: 'USD', last4: number.slice(-4) });
    expect((await t.app.inject({ url: `/v1/customers/${customerId}/accounts`, headers: bearer(a.key) })).json().data).toHaveLength(1);

    // 4. ucardActive with the code from the notification outbox (a wrong code first: FAILED, the try counted).
    const outbox = (await t.app.inject({ url: `/v1/simulate/notifications?customer_id=${customerId}`, headers: bearer(a.key) })).json();
    const code = /Activation code: (\d{8})/.exec(outbox.data[0].body)![1]!;
    secrets.add(code);
    const wrong = await call(a, 'ucardActive', { cardID, activationCode: code === '00000000' ? '11111111' : '00000000' });
    expectSignedHead(wrong.head as never, wrong.request, 'FAILED');
    expect(wrong.result).toMatchObject({ encrypt: 'FAILED', code: 'activation_code_invalid' });
    expect(wrong.head.detail).toMatch(/4 tries left/);
    const active = await call(a, 'ucardActive', { cardID, activationCode: code });
    expectFields(active.result, { encrypt: /^SUCCESS$/, cardID: new RegExp(`^${cardID}$`), status: /^ACTIVE$/ });

    // 5. cardSetPin.
    const pin = await call(a, 'cardSetPin', { cardID, pin: '375426' });
    expectSignedHead(pin.head as never, pin.request);
    expect(pin.result).toEqual({ encrypt: 'SUCCESS' });
    expect((await t.app.inject({ url: `/v1/cards/${cardID}`, headers: bearer(a.key) })).json().pin_set).toBe(true);
    expect((await call(a, 'cardSetPin', { cardID, pin: '123456' })).result).toMatchObject({ encrypt: 'FAILED', code: 'parameter_invalid', param: 'pin' });

    // 6. cardRecharge from the wallet: amount 5000.00 as the document sends it (a JSON number).
    await deposit(a, 1_000_000);
    const recharge = await call(a, 'cardRecharge', { cardID, currency: 'USD', amount: 5000.00 });
    expectSignedHead(recharge.head as never, recharge.request);
    expectFields(recharge.result, {
      encrypt: /^SUCCESS$/, cardID: new RegExp(`^${cardID}$`), currency: /^USD$/, transactionId: TXN_ID, transactionStatus: /^SUCCESS$/, sendAmount: /^5000\.00$/,
    });
    expect(await wallet(a)).toBe(500_000);
    const tooPrecise = await call(a, 'cardRecharge', { cardID, currency: 'USD', amount: '10.005' });
    expect(tooPrecise.result).toMatchObject({ encrypt: 'FAILED', code: 'parameter_invalid', param: 'amount' });
    expect(tooPrecise.result.message).toMatch(/more than 2 decimals/);
    expect((await call(a, 'cardRecharge', { cardID, currency: 'EUR', amount: 1 })).result).toMatchObject({ encrypt: 'FAILED', param: 'currency' });
    expect(await wallet(a)).toBe(500_000);

    // A purchase at a merchant, through the network simulator: held, so it shows in blockBalance and as a negative row.
    const auth = await t.app.inject({ method: 'POST', url: '/v1/simulate/authorizations', headers: bearer(a.key), payload: {
      card_id: cardID, amount: 1309, currency: 'USD', merchant: { name: 'MEITUAN FOOD BEIJING CHN', mcc: '5812', country: 'CN' },
    } });
    expect(auth.json().status, auth.body).toBe('approved');

    // 7. cardBalance: numbers.
    const balance = await call(a, 'cardBalance', { cardID, currency: 'USD' });
    expectSignedHead(balance.head as never, balance.request);
    expectFields(balance.result, { encrypt: /^SUCCESS$/, cardID: new RegExp(`^${cardID}$`), currency: /^USD$/, avaBalance: 'number', blockBalance: 'number' });
    const native2 = (await t.app.inject({ url: `/v1/cards/${cardID}/balance`, headers: bearer(a.key) })).json();
    const held = 5000 - (balance.result.avaBalance as number);
    expect(balance.result.avaBalance).toBe(native2.available / 100);
    expect(balance.result.blockBalance).toBeCloseTo(held, 2);
    expect(balance.result.blockBalance).toBeGreaterThan(13.09);

    // 8. queryTransactions: the document's 14 fields, spend negative, respCode 000000.
    const txns = await call(a, 'queryTransactions', { cardID });
    expectSignedHead(txns.head as never, txns.request);
    const rows = txns.result as unknown as Record<string, unknown>[];
    expect(Array.isArray(rows)).toBe(true);
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expectFields(row, {
        cardID: new RegExp(`^${cardID}$`), transactionId: TXN_ID, transactionTime: TIME, cardCurrency: /^USD$/, cardCurrencyAmt: 'number',
        transCurrency: /^[A-Z]{3}$/, transCurrencyAmt: 'number', feeCurrency: /^USD$/, fee: 'number', transStatus: /^[A-Z][a-z]+$/,
        transType: /^[A-Za-z]+$/, merchantName: /^.*$/, respCode: /^\d{6}$/, respCodeDesc: /^[A-Z_]+$/,
      });
    }
    const [spend, topUp] = rows as Record<string, unknown>[];
    expect(spend).toMatchObject({
      cardCurrencyAmt: -13.09, transCurrency: 'USD', transCurrencyAmt: -13.09, transStatus: 'Pending', transType: 'Expenditure',
      merchantName: 'MEITUAN FOOD BEIJING CHN', respCode: '000000', respCodeDesc: 'SUCCESS',
    });
    expect(spend!.fee as number).toBeLessThan(0);
    expect(topUp).toMatchObject({ cardCurrencyAmt: 5000, transStatus: 'Success', transType: 'Recharge', transactionId: recharge.result.transactionId, respCode: '000000', fee: 0 });
    const one = await call(a, 'queryTransactions', { cardID, transactionId: recharge.result.transactionId });
    expect(one.result).toEqual([topUp]);
    expect((await call(a, 'queryTransactions', { cardID, pageSize: 1, pageNum: 2 })).result).toEqual([topUp]);
    expect((await call(a, 'queryTransactions', { cardID, pageSize: 1, pageNum: 3 })).result).toEqual([]);
    const from = (topUp!.transactionTime as string);
    expect((await call(a, 'queryTransactions', { cardID, transactionStartTime: from, transactionEndTime: from })).result).toHaveLength(2);
    for (const [bad, param] of [[{ pageSize: 101 }, 'pageSize'], [{ pageSize: 0 }, 'pageSize'], [{ pageNum: 11 }, 'pageNum'], [{ transactionStartTime: '2024-02-30 10:00:00' }, 'transactionStartTime']] as const) {
      expect((await call(a, 'queryTransactions', { cardID, ...bad })).result, param).toMatchObject({ encrypt: 'FAILED', code: 'parameter_invalid', param });
    }

    // 9. updCardStatus: INACTIVE, then ACTIVE again; an illegal transition names the status.
    const freeze = await call(a, 'updCardStatus', { cardID, status: 'INACTIVE' });
    expectSignedHead(freeze.head as never, freeze.request);
    expectFields(freeze.result, { encrypt: /^SUCCESS$/, cardID: new RegExp(`^${cardID}$`), status: /^INACTIVE$/ });
    expect((await call(a, 'updCardStatus', { cardID, status: 'INACTIVE' })).result).toMatchObject({ encrypt: 'FAILED', code: 'invalid_card_status' });
    expect((await call(a, 'updCardStatus', { cardID, status: 'ACTIVE' })).result).toMatchObject({ status: 'ACTIVE' });
    expect((await call(a, 'updCardStatus', { cardID, status: 'FROZEN' })).result).toMatchObject({ encrypt: 'FAILED', param: 'status' });

    // 10. queryCard: a physical card, so no cardCvv; the reveal is audited.
    const query = await call(a, 'queryCard', { cardID });
    expectSignedHead(query.head as never, query.request);
    expectFields(query.result, {
      encrypt: /^SUCCESS$/, cardID: new RegExp(`^${cardID}$`), cardNo: new RegExp(`^${number}$`), expiryDate: /^2907$/, currency: /^USD$/,
      userBankCardStatus: /^ACTIVE$/, cardHolderEmail: new RegExp(`^${kyc.email.replace(/\./g, '\\.')}$`), cardHolderMobileNumber: /^123456789$/,
      cardHolderMobilePrefix: /^60$/, countryCode: /^FR$/, billingState: /^dizhi$/, billingCity: /^Paris$/, billingAddress: /^Nashville TN 37011$/,
      billingZipCode: /^223456$/,
    });
    const reveals = await t.db.query("SELECT actor FROM audit_log WHERE action = 'card.reveal' AND target = $1", [cardID]);
    expect(reveals.rows).toHaveLength(1);
    expect(reveals.rows[0]!.actor).toMatch(/^apikey_/);

    // 11. closeCard: the spendable balance returns to the wallet; the pending purchase keeps it CLOSE_PROCESSING.
    const before = await wallet(a);
    const close = await call(a, 'closeCard', { cardID });
    expectSignedHead(close.head as never, close.request);
    expectFields(close.result, {
      encrypt: /^SUCCESS$/, cardID: new RegExp(`^${cardID}$`), status: /^CLOSE_PROCESSING$/, refundAmt: /^\d+\.\d{2}$/, currency: /^USD$/, txnId: TXN_ID,
    });
    expect(close.result.refundAmt).toBe((balance.result.avaBalance as number).toFixed(2));
    expect(await wallet(a)).toBe(before + native2.available);
    expect((await t.app.inject({ url: `/v1/cards/${cardID}`, headers: bearer(a.key) })).json().status).toBe('CLOSED');
    expect((await call(a, 'cardRecharge', { cardID, currency: 'USD', amount: 1 })).result).toMatchObject({ encrypt: 'FAILED', code: 'invalid_card_status' });

    const report = await verifyLedger(t.db);
    expect(report.violations).toEqual([]);
  });

  it('ucardAssign with autoActive true activates at once, reusing the USD account; queryCard of a virtual card returns its CVV', async () => {
    const { cardID, email: mail } = await activeCard(a);
    expect((await t.app.inject({ url: `/v1/cards/${cardID}`, headers: bearer(a.key) })).json().status).toBe('ACTIVE');
    expect((await call(a, 'ucardActive', { cardID, activationCode: '12345678' })).result).toMatchObject({ encrypt: 'FAILED', code: 'invalid_card_status' });
    const second = await call(a, 'ucardAssign', { email: mail, cardNumber: await importStock(a), autoActive: 'true' });
    expect(second.result).toMatchObject({ encrypt: 'FAILED', code: 'card_limit_reached' });

    const { accountId } = await customerWithAccount(t.app, a.key);
    const virtual = await issueCard(t.app, a.key, accountId);
    const q = await call(a, 'queryCard', { cardID: virtual.id });
    secrets.add(q.result.cardNo as string);
    expect(q.result).toMatchObject({ cardID: virtual.id, cardCvv: expect.stringMatching(/^\d{3}$/), userBankCardStatus: 'ACTIVE', expiryDate: expect.stringMatching(/^\d{4}$/) });
    const details = (await t.app.inject({ url: `/v1/cards/${virtual.id}/details`, headers: bearer(a.reveal) })).json();
    expect(q.result).toMatchObject({ cardNo: details.number, cardCvv: details.cvv });
  });

  it('answers FAILED with a clear message for an invalid phone (the document sample 15659874544 is not Malaysian) and writes nothing', async () => {
    const kyc = kycExample({ mobileNumber: '15659874544' });
    const res = await call(a, 'setUcardKyc', kyc);
    expectSignedHead(res.head as never, res.request, 'FAILED');
    expect(res.result).toEqual({ encrypt: 'FAILED', code: 'parameter_invalid', param: 'mobileNumber', message: '`mobileNumber` is not a valid phone number in MY.' });
    expect(res.head.detail).toBe('`mobileNumber` is not a valid phone number in MY.');
    expect((await t.app.inject({ url: `/v1/customers?email=${encodeURIComponent(kyc.email)}`, headers: bearer(a.key) })).json().data).toEqual([]);
    // The same requestNo answers the same, and the fixed request under a new requestNo succeeds.
    const again = await post(buildRequest(a.creds, 'setUcardKyc', kyc, { requestNo: res.request.head.requestNo }));
    expect(again.body).toBe(res.res.body);
    expect((await call(a, 'setUcardKyc', { ...kyc, mobileNumber: '123456789' })).result).toEqual({ encrypt: 'SUCCESS', status: 'WAITING_KYC' });
  });

  it('checks each field against the document: required, type, unknown fields, ID_CARD needs its back', async () => {
    expect((await call(a, 'queryUcardKycStatus', {})).result).toMatchObject({ encrypt: 'FAILED', code: 'parameter_missing', param: 'email' });
    expect((await call(a, 'queryUcardKycStatus', { email: 'not-an-email' })).result).toMatchObject({ code: 'parameter_invalid', param: 'email' });
    expect((await call(a, 'queryUcardKycStatus', { email: email(), extra: 1 })).result).toMatchObject({ code: 'parameter_invalid', param: 'extra' });
    expect((await call(a, 'ucardAssign', { email: email(), cardNumber: '4937240800070604', autoActive: 'yes' })).result).toMatchObject({ param: 'autoActive' });
    expect((await call(a, 'queryUcardKycStatus', { email: email() })).result).toMatchObject({ code: 'resource_not_found', param: 'email' });
    const idCard = await call(a, 'setUcardKyc', kycExample({ identificationType: 'ID_CARD' }));
    expect(idCard.result).toMatchObject({ encrypt: 'FAILED', code: 'parameter_missing', param: 'backImgBase64' });
    const withBack = await call(a, 'setUcardKyc', kycExample({ identificationType: 'ID_CARD', backImgBase64: dataUrl('image/png', png()) }));
    expect(withBack.result).toEqual({ encrypt: 'SUCCESS', status: 'WAITING_KYC' });
    // The document's own sample image is elided ("..."): not base64.
    expect((await call(a, 'setUcardKyc', kycExample({ frontImgBase64: 'data:image/jpeg;base64,/9j/4AAQSkZJRgABAQAA...' }))).result)
      .toMatchObject({ encrypt: 'FAILED', code: 'parameter_invalid', param: 'frontImgBase64' });
    expect((await call(a, 'noSuchCode', {})).result).toMatchObject({ encrypt: 'FAILED', param: 'apiCode' });
  });

  it('setUcardKyc uses an existing customer, and refuses a second submission while one is waiting', async () => {
    const kyc = kycExample();
    const created = await t.app.inject({ method: 'POST', url: '/v1/customers', headers: bearer(a.key), payload: {
      first_name: 'Old', last_name: 'Name', email: kyc.email, phone_prefix: '33', phone_number: '612345678', phone_country: 'FR', date_of_birth: '1990-01-01',
      address: { line1: '1 Rue', city: 'Lyon', state: 'ARA', postal_code: '69001', country: 'FR' },
    } });
    expect(created.statusCode, created.body).toBe(201);
    expect((await call(a, 'queryUcardKycStatus', { email: kyc.email })).result).toEqual({ encrypt: 'SUCCESS', status: 'NOT_STARTED' });
    expect((await call(a, 'setUcardKyc', kyc)).result).toEqual({ encrypt: 'SUCCESS', status: 'WAITING_KYC' });
    const customer = (await t.app.inject({ url: `/v1/customers/${created.json().id}`, headers: bearer(a.key) })).json();
    expect(customer).toMatchObject({ first_name: 'Trump', phone_country: 'MY', address: { city: 'Paris' }, kyc_status: 'WAITING_KYC' });
    expect((await call(a, 'setUcardKyc', kyc)).result).toMatchObject({ encrypt: 'FAILED', code: 'conflict' });
  });
});

describe('envelope security', () => {
  /** The one answer every envelope failure gets. */
  const expectRefused = (res: { statusCode: number; json(): unknown }) => {
    expect(res.statusCode).toBe(401);
    const body = res.json() as { head: Record<string, string>; body: { encrypt: string } };
    expect(body.head).toMatchObject({ code: 'VERIFY_FAILED', detail: 'The request could not be verified.', sign: '', keyEnc: '' });
    expect(body.body).toEqual({ encrypt: '' });
    return body;
  };

  it('gives tampered ciphertext, a wrong signature, an unknown sysId and a malformed envelope the same generic failure', async () => {
    const payload = { email: email() };
    const good = buildRequest(a.creds, 'queryUcardKycStatus', payload);
    const flip = (s: string) => (s[10] === 'A' ? `${s.slice(0, 10)}B${s.slice(11)}` : `${s.slice(0, 10)}A${s.slice(11)}`);

    const tampered = expectRefused(await post({ ...good, body: { encrypt: flip(good.body.encrypt) } }));
    const wrongSign = expectRefused(await post({ ...good, head: { ...good.head, sign: signText(requestSigningString(good.head, good.body.encrypt), rsaPair().privateKey) } }));
    expect(wrongSign).toEqual(tampered);
    const otherKeyEnc = buildRequest(a.creds, 'queryUcardKycStatus', payload, { requestNo: good.head.requestNo });
    expect(expectRefused(await post({ ...good, head: { ...good.head, keyEnc: otherKeyEnc.head.keyEnc } }))).toEqual(tampered);
    const unknown = expectRefused(await post(buildRequest({ ...a.creds, sysId: '202402271432298822660001' }, 'queryUcardKycStatus', payload, { requestNo: good.head.requestNo })));
    expect({ ...unknown, head: { ...unknown.head, sysId: a.creds.sysId } }).toEqual(tampered);
    // Signed by the merchant, but encrypted for a key that is not the gateway's: undecryptable.
    const wrongRecipient = buildRequest({ ...a.creds, gatewayPublicKey: rsaPair().publicKey }, 'queryUcardKycStatus', payload, { requestNo: good.head.requestNo });
    expect(expectRefused(await post(wrongRecipient))).toEqual(tampered);
    expectRefused(await post({ head: { apiCode: 'queryUcardKycStatus' } }));
    expectRefused(await post({ ...good, head: { ...good.head, sign: undefined } }));
    expectRefused(await post([1, 2]));
    expect(() => openResponse(a.creds, tampered)).toThrow(KazePayError);

    // The untouched request still works (none of the failures used up its requestNo), and every failure was audited.
    const ok = await post(good);
    expect(ok.statusCode).toBe(200);
    expect(openResponse(a.creds, ok.json(), good.head).result).toMatchObject({ code: 'resource_not_found' });
    // Refusals are audited per address and minute: the first in full, the others counted by reason in a summary.
    await t.app.failureAudit.flushAll();
    const audits = await t.db.query<{ action: string; details: { reason?: string; codes?: Record<string, number> } }>(
      "SELECT action, details FROM audit_log WHERE action IN ('kazepay.verify_failure', 'kazepay.verify_failure.summary')");
    const reasons = audits.rows.flatMap((r) => (r.action.endsWith('.summary') ? Object.keys(r.details.codes!) : [r.details.reason!]));
    expect(new Set(reasons)).toEqual(new Set(['undecryptable', 'bad_signature', 'unknown_sys_id', 'malformed_envelope']));
  });

  it('answers transport problems in the envelope shape too', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/kazepay/gateway', headers: { 'content-type': 'application/json' }, payload: '{"head":' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ head: { code: 'REQUEST_INVALID', sign: '' }, body: { encrypt: '' } });
  });

  it('client refuses a forged or misdirected response', async () => {
    const { request, res } = await call(a, 'queryUcardKycStatus', { email: email() });
    const body = res.json();
    expect(() => openResponse(a.creds, { ...body, head: { ...body.head, detail: 'forged' } }, request.head)).toThrow(/signature/);
    expect(() => openResponse(a.creds, body, { apiCode: 'queryCard', requestNo: request.head.requestNo })).toThrow(/another request/);
  });

  it("does not reach another merchant's card or customer through the facade", async () => {
    const { cardID, email: mail } = await activeCard(a);
    const b = await gatewayMerchant('Other KazePay merchant');
    for (const [apiCode, payload] of [
      ['cardBalance', { cardID, currency: 'USD' }], ['queryCard', { cardID }], ['cardRecharge', { cardID, currency: 'USD', amount: 1 }],
      ['queryTransactions', { cardID }], ['updCardStatus', { cardID, status: 'INACTIVE' }], ['closeCard', { cardID }],
      ['cardSetPin', { cardID, pin: '375426' }], ['ucardActive', { cardID, activationCode: '12345678' }],
    ] as const) {
      const res = await call(b, apiCode, payload);
      expect(res.result, apiCode).toMatchObject({ encrypt: 'FAILED', code: 'resource_not_found', param: 'cardID' });
      expect(res.head.code).toBe('FAILED');
    }
    expect((await call(b, 'queryUcardKycStatus', { email: mail })).result).toMatchObject({ code: 'resource_not_found' });
    // A's envelope replayed with B's sysId does not verify (B's key did not sign it).
    const mine = buildRequest(a.creds, 'cardBalance', { cardID });
    expectRefused(await post({ ...mine, head: { ...mine.head, sysId: b.creds.sysId } }));
    expect((await t.app.inject({ url: `/v1/cards/${cardID}`, headers: bearer(a.key) })).json().status).toBe('ACTIVE');
  });

  it("ucardAssign answers another merchant's stock and the other mode's stock exactly as an unknown number; its own stock assigns", async () => {
    const mail = await passedCustomer(a);
    const b = await gatewayMerchant('Stock owner elsewhere');
    const numbers = { foreign: await importStock(b), live: await importStock(a, 'live'), unknown: generatePan('493724') };
    const answers = [];
    for (const [which, cardNumber] of Object.entries(numbers)) {
      const res = await call(a, 'ucardAssign', { email: mail, cardNumber, autoActive: true });
      expect(res.result, which).toMatchObject({ encrypt: 'FAILED', code: 'resource_not_found', param: 'cardNumber' });
      answers.push({ result: res.result, code: res.head.code, detail: res.head.detail });
    }
    expect(answers[0]).toEqual(answers[2]);
    expect(answers[1]).toEqual(answers[2]);
    const own = await call(a, 'ucardAssign', { email: mail, cardNumber: await importStock(a), autoActive: true });
    expect(own.result).toMatchObject({ encrypt: 'SUCCESS', cardID: expect.stringMatching(CARD_ID) });
    // B's number is still B's to assign.
    const theirs = await call(b, 'ucardAssign', { email: await passedCustomer(b), cardNumber: numbers.foreign, autoActive: true });
    expect(theirs.result).toMatchObject({ encrypt: 'SUCCESS' });
  });

  it('replays a repeated requestNo with the same body without acting twice, and refuses it with another body', async () => {
    const { cardID } = await activeCard(a);
    await deposit(a, 10_000);
    const before = await wallet(a);
    const requestNo = newRequestNo();
    const first = await call(a, 'cardRecharge', { cardID, currency: 'USD', amount: '25.50' }, { requestNo });
    expect(first.result).toMatchObject({ encrypt: 'SUCCESS', sendAmount: '25.50' });
    // The same bytes again, and the same payload freshly encrypted (new keyEnc, new signature): the stored answer.
    const again = await post(first.request);
    expect(again.statusCode).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toBe(first.res.body);
    const reEncrypted = await post(buildRequest(a.creds, 'cardRecharge', { cardID, currency: 'USD', amount: '25.50' }, { requestNo }));
    expect(reEncrypted.body).toBe(first.res.body);
    expect(await wallet(a)).toBe(before - 2550);
    const txns = (await call(a, 'queryTransactions', { cardID })).result as unknown as unknown[];
    expect(txns).toHaveLength(1);

    const different = await call(a, 'cardRecharge', { cardID, currency: 'USD', amount: '99.00' }, { requestNo });
    expect(different.result).toMatchObject({ encrypt: 'FAILED', code: 'idempotency_key_reused', param: 'requestNo' });
    const otherCode = await call(a, 'cardBalance', { cardID, currency: 'USD' }, { requestNo });
    expect(otherCode.result).toMatchObject({ encrypt: 'FAILED', code: 'idempotency_key_reused' });
    expect(await wallet(a)).toBe(before - 2550);
    // The refusal did not replace the stored answer.
    expect((await post(first.request)).body).toBe(first.res.body);
  });

  it('a sandbox sysId cannot touch live data, and a live sysId cannot touch sandbox data', async () => {
    const { cardID: sandboxCard } = await activeCard(a);
    await t.app.inject({ method: 'POST', url: `/admin/v1/merchants/${a.id}/live_access`, headers: adminHeaders });
    const live = (await t.app.inject({ method: 'POST', url: `/admin/v1/merchants/${a.id}/keys`, headers: adminHeaders, payload: { mode: 'live', scopes: ['read', 'write', 'cards:reveal'] } })).json().api_key as string;
    const liveCustomer = await t.app.inject({ method: 'POST', url: '/v1/customers', headers: bearer(live), payload: {
      first_name: 'Live', last_name: 'Holder', email: email(), phone_prefix: '60', phone_number: '123456789', phone_country: 'MY', date_of_birth: '1980-02-02',
      address: { line1: '1 Jalan Ampang', city: 'Kuala Lumpur', state: 'KL', postal_code: '50450', country: 'MY' },
    } });
    expect(liveCustomer.statusCode, liveCustomer.body).toBe(201);
    const liveAccount = (await t.app.inject({ method: 'POST', url: `/v1/customers/${liveCustomer.json().id}/accounts`, headers: bearer(live), payload: { currency: 'USD' } })).json();
    const liveCard = await issueCard(t.app, live, liveAccount.id);

    for (const [apiCode, payload] of [['cardBalance', { cardID: liveCard.id }], ['queryCard', { cardID: liveCard.id }], ['updCardStatus', { cardID: liveCard.id, status: 'INACTIVE' }]] as const) {
      expect((await call(a, apiCode, payload)).result, apiCode).toMatchObject({ encrypt: 'FAILED', code: 'resource_not_found' });
    }
    expect((await call(a, 'queryUcardKycStatus', { email: liveCustomer.json().email })).result).toMatchObject({ code: 'resource_not_found' });

    const pair = rsaPair();
    const g = (await t.app.inject({ method: 'PUT', url: '/v1/gateway_keys', headers: bearer(live), payload: { public_key_pem: pair.publicKey } })).json();
    expect(g.livemode).toBe(true);
    expect(g.sys_id).not.toBe(a.creds.sysId);
    const liveGateway: Merchant = { ...a, key: live, creds: { sysId: g.sys_id, merchantPrivateKey: pair.privateKey, gatewayPublicKey: g.gateway_public_key_pem } };
    expect((await call(liveGateway, 'cardBalance', { cardID: liveCard.id })).result).toMatchObject({ encrypt: 'SUCCESS', avaBalance: 0 });
    expect((await call(liveGateway, 'cardBalance', { cardID: sandboxCard })).result).toMatchObject({ encrypt: 'FAILED', code: 'resource_not_found' });
    expect((await t.app.inject({ url: `/v1/cards/${liveCard.id}`, headers: bearer(live) })).json().status).toBe('ACTIVE');
  });

  it('acts with the scopes of the key that registered it, and stops when that key is revoked', async () => {
    const m = await gatewayMerchant('Scoped', 'default');
    const { cardID } = await activeCard(m);
    const denied = await call(m, 'queryCard', { cardID });
    expect(denied.result).toMatchObject({ encrypt: 'FAILED', code: 'insufficient_scope' });
    expect(JSON.stringify(denied.result)).not.toMatch(/\d{16}/);
    expect((await call(m, 'cardBalance', { cardID })).result).toMatchObject({ encrypt: 'SUCCESS' });

    const keys = (await t.app.inject({ url: `/admin/v1/merchants/${m.id}/keys`, headers: adminHeaders })).json();
    const registering = (keys.data as { id: string; prefix: string }[]).find((k) => m.key.startsWith(k.prefix))!;
    expect((await t.app.inject({ method: 'DELETE', url: `/admin/v1/merchants/${m.id}/keys/${registering.id}`, headers: adminHeaders })).statusCode).toBe(200);
    expect((await call(m, 'cardBalance', { cardID })).result).toMatchObject({ encrypt: 'FAILED', code: 'api_key_revoked' });
  });

  it('keeps sensitive fields of the envelope out of the stored requests', async () => {
    const { cardID, number } = await activeCard(a);
    await call(a, 'queryCard', { cardID });
    await call(a, 'cardSetPin', { cardID, pin: '918273' });
    const stored = await t.db.query('SELECT response::text AS r, fingerprint FROM kazepay_requests WHERE sys_id = $1', [a.creds.sysId]);
    const all = stored.rows.map((r) => r.r).join('\n');
    expect(all).not.toContain(number);
    expect(all).not.toContain('918273');
    expect(stored.rows.every((r) => HEX.test((r.fingerprint as Buffer).toString('hex')))).toBe(true);
  });
});

describe('concurrency and logs', () => {
  it('two identical requests at once act once', async () => {
    const { cardID } = await activeCard(a);
    await deposit(a, 10_000);
    const before = await wallet(a);
    const request = buildRequest(a.creds, 'cardRecharge', { cardID, currency: 'USD', amount: 10 });
    const answers = await Promise.all([post(request), post(request), post(request)]);
    const results = answers.map((r) => openResponse(a.creds, r.json(), request.head).result as Record<string, unknown>);
    const succeeded = results.filter((r) => r.encrypt === 'SUCCESS');
    expect(succeeded.length).toBeGreaterThanOrEqual(1);
    expect(new Set(succeeded.map((r) => r.transactionId)).size).toBe(1);
    for (const r of results.filter((x) => x.encrypt === 'FAILED')) expect(r.code).toBe('idempotency_key_in_flight');
    expect(await wallet(a)).toBe(before - 1000);
  });

  it('logs no card number, PIN, activation code or key material', () => {
    const log = logLines.join('');
    expect(log).toContain('/kazepay/gateway');
    for (const secret of [...secrets, '375426', '918273', 'PRIVATE KEY']) expect(log, secret).not.toContain(secret);
  });
});
