/**
 * SPEC §4: amounts are never rounded silently. Each body is sent as raw JSON
 * text, because the point is the number's text: JSON.parse makes 1 of
 * 1.0000000000000001 and 300 of 299.99999999999999, and both would pass an
 * integer schema. Every amount field of the native API, KrezyPay and the
 * KazePay gateway is in a table here; a refusal must leave every table as it was.
 */
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InjectOptions } from 'fastify';
import { adminHeaders, bearer, buildTestApp, createMerchant, type TestApp } from '../harness.ts';
import { customerWithAccount, issueCard } from '../fixtures/flows.ts';
import { CONTENT_KEY_BYTES, IV_BYTES, KAZEPAY_VERSION, requestSigningString, signText } from '../../src/compat/kazepay/envelope.ts';
import { kazepay, type KazePayCredentials } from '@tessera/sdk';

const { newRequestNo, openResponse } = kazepay;

let t: TestApp;
let m: { id: string; key: string };
let cardId: string;
let customerId: string;
let authId: string;
const shop = '{"name": "Corner Shop", "mcc": "5411", "country": "US"}';

const send = (method: InjectOptions['method'], url: string, body: string, headers: Record<string, string> = bearer(m.key)) =>
  t.app.inject({ method, url, headers: { ...headers, 'content-type': 'application/json' }, payload: body });

async function ok(res: Awaited<ReturnType<typeof send>>) {
  expect(res.statusCode, res.body).toBeLessThan(300);
  return res.json();
}

async function authorize(amount = 1_000): Promise<string> {
  const body = await ok(await send('POST', '/v1/simulate/authorizations', `{"card_id": "${cardId}", "amount": ${amount}, "currency": "USD", "merchant": ${shop}}`));
  expect(body.status, JSON.stringify(body)).toBe('approved');
  return body.id as string;
}

/** A digest of every row of every table but the ones that change on refused requests too. */
async function digest(): Promise<Record<string, string>> {
  const tables = (await t.db.query<{ name: string }>(
    "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1"))
    .rows.map((r) => r.name).filter((name) => !['audit_log', 'idempotency_keys', 'signature_nonces', 'schema_migrations'].includes(name));
  const { rows } = await t.db.query<{ name: string; h: string | null }>(tables.map((name) =>
    `SELECT '${name}' AS name, count(*)::text || ':' || coalesce(md5(string_agg(x::text, '|' ORDER BY x::text)), '') AS h FROM "${name}" x`).join(' UNION ALL '));
  return Object.fromEntries(rows.map((r) => [r.name, r.h ?? '']));
}

beforeAll(async () => {
  t = await buildTestApp();
  m = await createMerchant(t.app, 'Exact Amounts Co');
  const owner = await customerWithAccount(t.app, m.key);
  customerId = owner.customerId;
  cardId = (await issueCard(t.app, m.key, owner.accountId)).id;
  await ok(await send('POST', '/v1/simulate/wallet_deposits', '{"currency": "USD", "amount": 10000000}'));
  await ok(await send('POST', `/v1/cards/${cardId}/fund`, '{"amount": 5000000}'));
  authId = await authorize();
});
afterAll(async () => t.close());

/** Every native route with an amount: how to send `literal` as that amount, and the field the 400 must name. */
const NATIVE: { route: string; param: string; send: (literal: string) => ReturnType<typeof send>; clear?: () => ReturnType<typeof send> }[] = [
  ...(['fund', 'withdraw', 'reservations/estimate', 'reservations'] as const).map((path) => ({
    route: `POST /v1/cards/{id}/${path}`, param: 'amount', send: (a: string) => send('POST', `/v1/cards/${cardId}/${path}`, `{"amount": ${a}}`),
  })),
  { route: 'POST /v1/simulate/wallet_deposits', param: 'amount', send: (a) => send('POST', '/v1/simulate/wallet_deposits', `{"currency": "USD", "amount": ${a}}`) },
  {
    route: 'POST /admin/v1/merchants/{id}/wallet_credits', param: 'amount',
    send: (a) => send('POST', `/admin/v1/merchants/${m.id}/wallet_credits`, `{"currency": "USD", "amount": ${a}, "mode": "sandbox"}`, adminHeaders),
  },
  {
    route: 'POST /v1/simulate/authorizations', param: 'amount',
    send: (a) => send('POST', '/v1/simulate/authorizations', `{"card_id": "${cardId}", "amount": ${a}, "currency": "USD", "merchant": ${shop}}`),
  },
  ...(['increment', 'clear', 'reverse'] as const).map((path) => ({
    route: `POST /v1/simulate/authorizations/{id}/${path}`, param: 'amount',
    send: (a: string) => send('POST', `/v1/simulate/authorizations/${authId}/${path}`, `{"amount": ${a}}`),
  })),
  {
    route: 'POST /v1/simulate/force_posts', param: 'amount',
    send: (a) => send('POST', '/v1/simulate/force_posts', `{"card_id": "${cardId}", "amount": ${a}, "merchant": ${shop}}`),
  },
  { route: 'POST /v1/simulate/refunds', param: 'amount', send: (a) => send('POST', '/v1/simulate/refunds', `{"card_id": "${cardId}", "amount": ${a}}`) },
  {
    route: 'PUT /v1/cards/{id}/spending_controls', param: 'daily', send: (a) => send('PUT', `/v1/cards/${cardId}/spending_controls`, `{"daily": ${a}}`),
    clear: () => send('PUT', `/v1/cards/${cardId}/spending_controls`, '{}'),
  },
  {
    route: 'PUT /v1/customers/{id}/spending_controls', param: 'all_time',
    send: (a) => send('PUT', `/v1/customers/${customerId}/spending_controls`, `{"all_time": ${a}}`),
    clear: () => send('PUT', `/v1/customers/${customerId}/spending_controls`, '{}'),
  },
  {
    route: 'PUT /admin/v1/merchants/{id}/fee_schedule', param: 'authorization_fixed',
    send: (a) => send('PUT', `/admin/v1/merchants/${m.id}/fee_schedule`,
      `{"authorization_fixed": ${a}, "authorization_percent_bps": 100, "funding_fixed": 0, "funding_percent_bps": 0, "fx_percent_bps": 0}`, adminHeaders),
  },
];

/** Each would pass an integer schema once JSON.parse has made a double of it, except the last two (refused by the schema). */
const NOT_PLAIN_INTEGERS = ['1.0000000000000001', '299.99999999999999', '1e2', '1.0', '1E0', '100.00', '-0', '9007199254740993'];

describe('native amounts: digits only, read from their text', () => {
  it.each(NATIVE.flatMap((r) => NOT_PLAIN_INTEGERS.map((literal) => [r.route, literal, r] as const)))(
    '%s refuses %s with 400 parameter_invalid naming the field, and nothing changes', async (_route, literal, r) => {
      const before = await digest();
      const res = await r.send(literal);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error).toMatchObject({ code: 'parameter_invalid', param: r.param });
      expect(await digest()).toEqual(before);
    });

  it('says what was wrong, with the text as sent', async () => {
    const res = await send('POST', `/v1/cards/${cardId}/withdraw`, '{"amount": 299.99999999999999}');
    expect(res.json().error.message).toBe(
      '`amount` must be an integer from 1 to 1000000000000 written with digits only (no fraction, exponent or sign); got 299.99999999999999.');
  });

  it.each(NATIVE.map((r) => [r.route, r] as const))('%s takes 100 as 100', async (route, r) => {
    if (route.includes('/authorizations/{id}/')) authId = await authorize(); // a fresh hold for each lifecycle step
    const res = await r.send('100');
    expect(res.statusCode, res.body).toBeLessThan(300);
    const body = res.json();
    if (/\/(fund|withdraw|wallet_deposits|wallet_credits)$/.test(route)) expect(body.amount).toBe(100);
    if (route.includes('reservations')) expect(body).toMatchObject({ amount: 100, fee: 101, total: 201 });
    if (route.endsWith('/simulate/authorizations')) expect(body).toMatchObject({ amount: 100, status: 'approved' });
    if (route.includes('spending_controls')) expect(body[r.param]).toBe(100);
    if (route.includes('fee_schedule')) expect(body.authorization_fixed).toBe(100);
    if (r.clear) await ok(await r.clear()); // so that later authorizations are not limited
  });

  it('moves exactly the amount withdrawn: 299.99999999999999 never becomes 300', async () => {
    const balance = async () => (await ok(await t.app.inject({ url: `/v1/cards/${cardId}/balance`, headers: bearer(m.key) }))).available as number;
    const start = await balance();
    expect((await send('POST', `/v1/cards/${cardId}/withdraw`, '{"amount": 299.99999999999999}')).statusCode).toBe(400);
    await ok(await send('POST', `/v1/cards/${cardId}/withdraw`, '{"amount": 299}'));
    expect(await balance()).toBe(start - 299);
  });

  it('refuses before the Idempotency-Key is claimed: the same key then serves the corrected request', async () => {
    const headers = { ...bearer(m.key), 'idempotency-key': `exact-${crypto.randomUUID()}` };
    const refused = await send('POST', `/v1/cards/${cardId}/fund`, '{"amount": 1.0000000000000001}', headers);
    expect(refused.statusCode).toBe(400);
    const accepted = await send('POST', `/v1/cards/${cardId}/fund`, '{"amount": 1}', headers);
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.headers['idempotent-replayed']).toBeUndefined();
    expect(accepted.json().amount).toBe(1);
  });

  it('reverse without an amount still releases the whole hold', async () => {
    const id = await authorize(700);
    const res = await send('POST', `/v1/simulate/authorizations/${id}/reverse`, '{}');
    expect(res.statusCode, res.body).toBe(200);
  });

  it('keeps the OpenAPI type integer, marked as exact', async () => {
    const doc = (await t.app.inject({ url: '/openapi.json' })).json();
    const amount = doc.paths['/v1/cards/{cardId}/fund'].post.requestBody.content['application/json'].schema.properties.amount;
    expect(amount).toMatchObject({ type: 'integer', minimum: 1, maximum: 1e12, 'x-exact-integer': true });
  });
});

describe('KrezyPay amounts: only the documented decimal forms', () => {
  const krezy = (op: string, amount: string) =>
    send('POST', `/krezypay/v1/sandbox/card/${op}`, `{"card_id": "${cardId}", "amount": ${amount}}`);
  const OPS = ['authorization_estimate', 'send_authorization', 'fund', 'withdraw'];

  it.each(OPS.flatMap((op) => [
    '"2.999999999999999999"', '2.999999999999999999', '" 1"', '"1 "', '"00001"', '"1e2"', '1e2', '1E0', '"3.000"', '3.000', '"+3"', '"3."', '".5"',
    '"-3"', '"0"', '0.00', '1.0000000000000001', '"10000000000.01"',
  ].map((literal) => [op, literal])))('%s refuses %s with 422 and a message, and nothing changes', async (op, literal) => {
    const before = await digest();
    const res = await krezy(op, literal);
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json()).toEqual({ status: 'error', error: expect.stringMatching(/^The amount /) });
    expect(await digest()).toEqual(before);
  });

  it('says how to write it', async () => {
    expect((await krezy('authorization_estimate', '"00001"')).json().error)
      .toBe('The amount must be a decimal written with digits only, such as "3" or "3.00" (no spaces, leading zeros or exponent).');
    expect((await krezy('authorization_estimate', '2.999999999999999999')).json().error).toBe('The amount has more than 2 decimals for this currency.');
  });

  it.each([['"3"', '3.00'], ['"3.00"', '3.00'], ['"3.0"', '3.00'], ['3', '3.00'], ['3.5', '3.50'], ['5000.00', '5000.00'], ['"0.01"', '0.01']])(
    'authorization_estimate takes %s as %s', async (literal, amount) => {
      const res = await krezy('authorization_estimate', literal);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().amount).toBe(amount);
    });

  it('funds 5000.00 (a JSON number) as 500000 minor units and withdraws "3.00" as 300', async () => {
    expect((await ok(await krezy('fund', '5000.00'))).amount).toBe('5000.00');
    expect((await ok(await krezy('withdraw', '"3.00"'))).amount).toBe('3.00');
  });
});

describe('KazePay cardRecharge: the decrypted JSON is read the same way', () => {
  let creds: KazePayCredentials;

  beforeAll(async () => {
    const pair = crypto.generateKeyPairSync('rsa', {
      modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    const g = await ok(await send('PUT', '/v1/gateway_keys', JSON.stringify({ public_key_pem: pair.publicKey })));
    creds = { sysId: g.sys_id, merchantPrivateKey: pair.privateKey, gatewayPublicKey: g.gateway_public_key_pem };
  });

  /** As the shipped client's buildRequest, but sealing raw JSON text (JSON.stringify cannot write 5000.00). */
  async function recharge(amount: string) {
    const key = crypto.randomBytes(CONTENT_KEY_BYTES);
    const iv = crypto.randomBytes(IV_BYTES);
    const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
    const text = `{"cardID": "${cardId}", "currency": "USD", "amount": ${amount}}`;
    const encrypt = Buffer.concat([iv, cipher.update(text, 'utf8'), cipher.final(), cipher.getAuthTag()]).toString('base64');
    const oaep = { key: creds.gatewayPublicKey, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' };
    const keyEnc = crypto.publicEncrypt(oaep, key).toString('hex');
    const unsigned = { apiCode: 'cardRecharge', sysId: creds.sysId, requestNo: newRequestNo(), version: KAZEPAY_VERSION, keyEnc };
    const head = { ...unsigned, sign: signText(requestSigningString(unsigned, encrypt), creds.merchantPrivateKey) };
    const res = await t.app.inject({ method: 'POST', url: '/kazepay/gateway', payload: { head, body: { encrypt } } });
    expect(res.statusCode, res.body).toBe(200);
    return openResponse(creds, res.json(), head).result as Record<string, unknown>;
  }

  it.each(['2.999999999999999999', '"2.999999999999999999"', '1.0000000000000001', '" 1"', '"1 "', '"00001"', '"1e2"', '1e2', '5000.000', '-0'])(
    'refuses %s as FAILED parameter_invalid on amount, and moves nothing', async (literal) => {
      const before = await digest();
      const result = await recharge(literal);
      expect(result).toMatchObject({ encrypt: 'FAILED', code: 'parameter_invalid', param: 'amount' });
      // The refusal is the requestNo's stored answer (kazepay_requests); nothing else changes.
      const after = await digest();
      for (const table of Object.keys(before).filter((name) => !name.startsWith('kazepay_'))) expect(after[table], table).toBe(before[table]);
    });

  it.each([['5000.00', '5000.00'], ['"5000.00"', '5000.00'], ['"3"', '3.00'], ['12.5', '12.50']])('takes %s as %s', async (literal, sendAmount) => {
    expect(await recharge(literal)).toMatchObject({ encrypt: 'SUCCESS', sendAmount });
  });
});
