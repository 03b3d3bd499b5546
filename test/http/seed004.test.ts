import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, buildTestApp, createMerchant, type TestApp } from '../harness.ts';
import { signTesseraRequest } from '../fixtures/sign-request.ts';
import { validCustomer } from '../fixtures/customers.ts';
import { shipping } from '../fixtures/flows.ts';

/**
 * Seed 004, line by line, against the native API: every mutating call carries
 * an Idempotency-Key, a Content-Digest and an RFC 9421 signature from a
 * registered key, and every change is reported as a webhook update event.
 */
let t: TestApp;
let m: { id: string; key: string };
let keyId: string;
const { publicKey, privateKey } = crypto.generateKeyPairSync('ed25519');
const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

beforeAll(async () => {
  t = await buildTestApp();
  m = await createMerchant(t.app, 'Programme');
  const res = await t.app.inject({
    method: 'POST', url: '/v1/signing_keys', headers: bearer(m.key),
    payload: { algorithm: 'ed25519', public_key_pem: publicKey.export({ type: 'spki', format: 'pem' }).toString() },
  });
  expect(res.statusCode, res.body).toBe(201);
  keyId = res.json().id;
});
afterAll(async () => t.close());
const now = () => t.clock.set(new Date());

async function signed(method: 'POST' | 'PATCH' | 'DELETE' | 'PUT', url: string, payload?: object, idempotencyKey: string = crypto.randomUUID()) {
  now();
  const body = payload === undefined ? undefined : JSON.stringify(payload);
  const headers = await signTesseraRequest({
    method, url: `http://localhost${url}`, body,
    headers: { authorization: `Bearer ${m.key}`, 'idempotency-key': idempotencyKey, ...(body ? { 'content-type': 'application/json' } : {}) },
  }, { keyId, privateKeyPem });
  return t.app.inject({ method, url, headers, ...(body ? { payload: body } : {}) });
}
const get = (url: string) => t.app.inject({ url, headers: bearer(m.key) });

async function setup() {
  const customer = await signed('POST', '/v1/customers', validCustomer());
  expect(customer.statusCode, customer.body).toBe(201);
  const account = await signed('POST', `/v1/customers/${customer.json().id}/accounts`, { currency: 'USD' });
  expect(account.statusCode, account.body).toBe(201);
  return account.json().id as string;
}

async function cardEvents(cardId: string): Promise<string[]> {
  const res = await get('/v1/events?limit=100');
  expect(res.statusCode).toBe(200);
  return (res.json().data as { type: string; data: { object: { id?: string } } }[])
    .filter((e) => e.data.object.id === cardId).map((e) => e.type).reverse();
}

describe('seed 004: cards of an account', () => {
  it('refuses an unsigned mutating call once a key is registered', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/customers', headers: bearer(m.key), payload: validCustomer() });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('invalid_signature');
  });

  it('creates a virtual card, and a physical one only with a shipping address; one of each per account', async () => {
    const accountId = await setup();
    const virtual = await signed('POST', `/v1/accounts/${accountId}/cards`, { type: 'virtual', billing_address: shipping });
    expect(virtual.statusCode, virtual.body).toBe(201);
    expect(virtual.json()).toMatchObject({ type: 'virtual', status: 'ACTIVE', account_id: accountId, billing_address: shipping });
    const noShipping = await signed('POST', `/v1/accounts/${accountId}/cards`, { type: 'physical', billing_address: shipping });
    expect(noShipping.statusCode).toBe(400);
    expect(noShipping.json().error.param).toBe('shipping_address');
    const physical = await signed('POST', `/v1/accounts/${accountId}/cards`, { type: 'physical', billing_address: shipping, shipping_address: shipping });
    expect(physical.statusCode, physical.body).toBe(201);
    expect(physical.json().shipping).toMatchObject({ address: shipping, status: 'ordered' });
    for (const type of ['virtual', 'physical']) {
      const again = await signed('POST', `/v1/accounts/${accountId}/cards`, { type, shipping_address: shipping });
      expect(again.statusCode).toBe(422);
      expect(again.json().error.code).toBe('card_limit_reached');
    }
    const mine = (await get(`/v1/accounts/${accountId}/cards`)).json().data.map((c: { id: string }) => c.id).sort();
    expect(mine).toEqual([virtual.json().id, physical.json().id].sort());
    const all = (await get('/v1/cards?limit=100')).json().data.map((c: { id: string }) => c.id);
    expect(all).toEqual(expect.arrayContaining(mine));
    expect((await get(`/v1/cards/${virtual.json().id}`)).json()).toMatchObject({ id: virtual.json().id, masked_number: expect.stringMatching(/\*{4}/) });
  });

  it('replays a retried call with the same Idempotency-Key instead of acting twice', async () => {
    const accountId = await setup();
    const key = crypto.randomUUID();
    const first = await signed('POST', `/v1/accounts/${accountId}/cards`, { type: 'virtual' }, key);
    const retry = await signed('POST', `/v1/accounts/${accountId}/cards`, { type: 'virtual' }, key);
    expect(first.statusCode).toBe(201);
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json().id).toBe(first.json().id);
  });

  it('deactivates, activates and terminates (irreversibly), each reported by an update event', async () => {
    const accountId = await setup();
    const card = (await signed('POST', `/v1/accounts/${accountId}/cards`, { type: 'virtual' })).json();
    expect((await signed('PATCH', `/v1/cards/${card.id}/deactivate`)).json().status).toBe('INACTIVE');
    expect((await signed('PATCH', `/v1/cards/${card.id}/activate`)).json().status).toBe('ACTIVE');
    const terminated = await signed('DELETE', `/v1/cards/${card.id}`);
    expect(terminated.statusCode, terminated.body).toBe(200);
    expect(terminated.json().status).toBe('TERMINATED');
    expect((await signed('PATCH', `/v1/cards/${card.id}/activate`)).statusCode).toBe(409);
    expect((await signed('DELETE', `/v1/cards/${card.id}`)).statusCode).toBe(409);
    expect(await cardEvents(card.id)).toEqual(['card.created', 'card.updated', 'card.updated', 'card.terminated']);
  });

  it('keeps pending holds of a terminated card able to clear for 30 days, then expires them', async () => {
    const accountId = await setup();
    const card = (await signed('POST', `/v1/accounts/${accountId}/cards`, { type: 'virtual' })).json();
    await signed('POST', '/v1/simulate/wallet_deposits', { currency: 'USD', amount: 10_000 });
    await signed('POST', `/v1/cards/${card.id}/fund`, { amount: 10_000 });
    const auth = async () => (await signed('POST', '/v1/simulate/authorizations', { card_id: card.id, amount: 1_000, currency: 'USD', merchant: { name: 'Shop', mcc: '5411', country: 'US' } })).json();
    const a = await auth();
    const b = await auth();
    expect([a.status, b.status]).toEqual(['approved', 'approved']);
    await signed('DELETE', `/v1/cards/${card.id}`);
    expect((await auth()).decline_reason).toBe('card_inactive');
    const cleared = await signed('POST', `/v1/simulate/authorizations/${a.id}/clear`, { amount: 1_000 });
    expect(cleared.statusCode, cleared.body).toBe(200);
    await signed('POST', '/v1/simulate/clock/advance', { seconds: 8 * 24 * 3600 });
    expect((await get(`/v1/authorizations/${b.id}`)).json().status).toBe('approved');
    await signed('POST', '/v1/simulate/clock/advance', { seconds: 23 * 24 * 3600 });
    expect((await get(`/v1/authorizations/${b.id}`)).json().status).toBe('expired');
    expect((await get(`/v1/cards/${card.id}/balance`)).json()).toMatchObject({ available: 10_000 - 1_110, pending_holds: 0 });
  });
});
