import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, buildTestApp, createMerchant, type TestApp } from '../harness.ts';
import { customerWithAccount, issueCard, revealKey, shipping } from '../fixtures/flows.ts';

let t: TestApp;
let m: { id: string; key: string };
beforeAll(async () => {
  t = await buildTestApp();
  m = await createMerchant(t.app, 'Kwik Co');
});
afterAll(async () => t.close());

const list = (query = '', key = m.key) => t.app.inject({ url: `/kwik/cards${query}`, headers: bearer(key) });
const update = (records: object[], key = m.key) => t.app.inject({ method: 'POST', url: '/kwik/cards/update', headers: bearer(key), payload: { records } });
const TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

describe('Kwik: GET /cards', () => {
  it('lists records with the documented fields and formats, and filters', async () => {
    const { accountId, customerId } = await customerWithAccount(t.app, m.key);
    const card = await issueCard(t.app, m.key, accountId, { type: 'virtual', nickname: "Mike's Card" });
    const res = await list(`?customer_id=${customerId}`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.status).toBe(true);
    expect(body.records).toHaveLength(1);
    const r = body.records[0];
    expect(Object.keys(r).sort()).toEqual(['card_brand', 'card_ending', 'card_expire', 'card_nickname', 'card_status', 'card_token', 'created_at', 'customer_id', 'expire_in_months', 'id', 'is_default', 'is_expired', 'is_recurring', 'updated_at'].sort());
    expect(r).toMatchObject({ id: card.id, updated_at: null, card_status: 'ACTIVE', customer_id: customerId, card_nickname: "Mike's Card", card_ending: card.last4, card_brand: 'VISA', card_token: card.card_token, is_expired: false, is_recurring: false, is_default: false, expire_in_months: 36 });
    expect(r.created_at).toMatch(TIMESTAMP);
    expect(r.card_expire).toMatch(/^\d{2}\/\d{2}$/);
    expect((await list(`?customer_id=${customerId}&card_status=DISABLED`)).json().records).toEqual([]);
    expect((await list(`?customer_id=${customerId}&expire_in_months=2`)).json().records).toEqual([]);
    expect((await list(`?customer_id=${customerId}&expire_in_months=36`)).json().records).toHaveLength(1);
    expect((await list('?card_status=FROZEN')).statusCode).toBe(400);
    expect((await list('?card_status=FROZEN')).json()).toMatchObject({ status: false, message: expect.any(String) });
  });
});

describe('Kwik: POST /cards/update', () => {
  it('changes only the fields sent; null clears a nickname; is_default moves; statuses map to the state machine', async () => {
    const { accountId } = await customerWithAccount(t.app, m.key);
    const a = await issueCard(t.app, m.key, accountId, { type: 'virtual', nickname: 'A' });
    const b = await issueCard(t.app, m.key, accountId, { type: 'physical', shipping_address: shipping, nickname: 'B' });
    const res = await update([{ id: a.id, card_nickname: "Mike's Updated Card", is_default: true }, { id: b.id, card_nickname: null }]);
    expect(res.statusCode, res.body).toBe(200);
    const [ra, rb] = res.json().results;
    expect(ra).toMatchObject({ id: a.id, card_nickname: "Mike's Updated Card", is_default: true, card_status: 'ACTIVE' });
    expect(ra.updated_at).toMatch(TIMESTAMP);
    expect(rb).toMatchObject({ id: b.id, card_nickname: null, is_default: false, card_status: 'DISABLED' });
    const moved = (await update([{ id: b.id, is_default: true }])).json().results[0];
    expect(moved.is_default).toBe(true);
    expect((await list(`?customer_id=${a.customer_id}`)).json().records.find((r: { id: string }) => r.id === a.id).is_default).toBe(false);
    expect((await update([{ id: a.id, card_status: 'DISABLED' }])).json().results[0].card_status).toBe('DISABLED');
    expect((await update([{ id: a.id, card_status: 'ACTIVE' }])).json().results[0].card_status).toBe('ACTIVE');
    expect((await update([{ id: a.id, card_status: 'ARCHIVED' }])).json().results[0].card_status).toBe('ARCHIVED');
    const refused = await update([{ id: a.id, card_status: 'ACTIVE' }]);
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ status: false, index: 0 });
    expect(refused.json().message).toContain('ARCHIVED');
  });

  it('is all-or-nothing: a failing record changes nothing and is named by its index', async () => {
    const { accountId } = await customerWithAccount(t.app, m.key);
    const a = await issueCard(t.app, m.key, accountId, { type: 'virtual', nickname: 'Keep' });
    const res = await update([{ id: a.id, card_nickname: 'Changed' }, { id: a.id, card_status: 'EXPIRED' }]);
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ status: false, index: 1 });
    expect((await list(`?customer_id=${a.customer_id}`)).json().records[0].card_nickname).toBe('Keep');
    const unknown = await update([{ id: a.id, card_nickname: 'X' }, { id: 'card_01m80jq3m4f25b04kxejzk5vqd' }]);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ status: false, index: 1 });
  });

  it("hides another merchant's cards and needs a key", async () => {
    const { accountId } = await customerWithAccount(t.app, m.key);
    const a = await issueCard(t.app, m.key, accountId);
    const other = await createMerchant(t.app, 'Other');
    expect((await list('', other.key)).json().records).toEqual([]);
    expect((await update([{ id: a.id, card_nickname: 'mine' }], other.key)).statusCode).toBe(404);
    const anon = await t.app.inject({ url: '/kwik/cards' });
    expect(anon.statusCode).toBe(401);
    expect(anon.json()).toMatchObject({ status: false });
  });
});

describe('Kwik: card_token in the form of seed 001', () => {
  const HEX64 = /^[0-9a-f]{64}$/;

  it('issues new cards a random, opaque 64-hex token, one per card, the same on the native API', async () => {
    const { accountId, customerId } = await customerWithAccount(t.app, m.key);
    const a = await issueCard(t.app, m.key, accountId);
    const b = await issueCard(t.app, m.key, accountId, { type: 'physical', shipping_address: shipping });
    const records = (await list(`?customer_id=${customerId}`)).json().records as { id: string; card_token: string }[];
    expect(records).toHaveLength(2);
    for (const r of records) expect(r.card_token).toMatch(HEX64);
    expect(records[0]!.card_token).not.toBe(records[1]!.card_token);
    expect(new Set(records.map((r) => r.card_token))).toEqual(new Set([a.card_token, b.card_token]));
    // Opaque: nothing of the card in it (not its id, last 4 in a fixed place, or a hash of the PAN the vault could not reproduce).
    const pan = (await t.app.inject({ url: `/v1/cards/${a.id}/details`, headers: bearer(await revealKey(t.app, m.id)) })).json().number as string;
    expect(pan).toMatch(/^\d{16}$/);
    expect(a.card_token).not.toBe(crypto.createHash('sha256').update(pan).digest('hex'));
    expect(a.card_token).not.toContain(pan);
  });

  it('keeps a tok_ token issued before: listed and updated with it unchanged', async () => {
    const { accountId, customerId } = await customerWithAccount(t.app, m.key);
    const card = await issueCard(t.app, m.key, accountId);
    const legacy = 'tok_Zk3-_q9PLm2xY7rT0bN4vC8sW1eH6uJ5';
    await t.db.query('UPDATE cards SET card_token = $2 WHERE id = $1', [card.id, legacy]);
    expect((await list(`?customer_id=${customerId}`)).json().records[0].card_token).toBe(legacy);
    const res = await update([{ id: card.id, card_nickname: 'Old token' }]);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().results[0]).toMatchObject({ card_token: legacy, card_nickname: 'Old token' });
    expect((await t.app.inject({ url: `/v1/cards/${card.id}`, headers: bearer(m.key) })).json().card_token).toBe(legacy);
  });

  it("a token names no card for anyone else, and is not an id: another merchant never sees it, and updating by token is a 404", async () => {
    const { accountId } = await customerWithAccount(t.app, m.key);
    const card = await issueCard(t.app, m.key, accountId);
    const other = await createMerchant(t.app, 'Token Thief');
    expect(JSON.stringify((await list('', other.key)).json())).not.toContain(card.card_token as string);
    const byToken = await update([{ id: card.card_token }]);
    expect(byToken.statusCode).toBe(404);
    expect(byToken.json()).toMatchObject({ status: false, index: 0 });
  });
});
