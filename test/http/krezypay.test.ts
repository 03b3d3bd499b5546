import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, bearer, buildTestApp, createMerchant, type TestApp } from '../harness.ts';
import { customerWithAccount, issueCard, revealKey } from '../fixtures/flows.ts';

let t: TestApp;
let m: { id: string; key: string };
let card: Record<string, unknown> & { id: string };
beforeAll(async () => {
  t = await buildTestApp();
  m = await createMerchant(t.app, 'Krezy Co');
  const { accountId } = await customerWithAccount(t.app, m.key);
  card = await issueCard(t.app, m.key, accountId);
  await t.app.inject({ method: 'POST', url: '/v1/simulate/wallet_deposits', headers: bearer(m.key), payload: { currency: 'USD', amount: 100_000 } });
  await t.app.inject({ method: 'POST', url: `/v1/cards/${card.id}/fund`, headers: bearer(m.key), payload: { amount: 10_000 } });
});
afterAll(async () => t.close());

const krezy = (op: string, payload: object, key = m.key, mode = 'sandbox') =>
  t.app.inject({ method: 'POST', url: `/krezypay/v1/${mode}/${op}`, headers: { ...bearer(key), 'content-type': 'application/json' }, payload });

describe('KrezyPay: documented endpoints, field by field', () => {
  it('retrieve_card answers the documented shape', async () => {
    const res = await krezy('card/retrieve_card', { card_id: card.id });
    expect(res.statusCode, res.body).toBe(200);
    const b = res.json();
    expect(b).toMatchObject({ status: 'success', card_status: 'active', card_holder: "Ada O'Neil-Smith", cvv: '***', last4: card.last4, balance: '100.00', authorization_balance: '0.00' });
    expect(b.card_number).toMatch(/^4242 \*{4} \*{4} \d{4}$/);
    expect(b.exp).toMatch(/^(0[1-9]|1[0-2])\/\d{2}$/);
    expect(b.address).toEqual({ country: 'France', state: 'IDF', city: 'Paris', zip_code: '75002', line1: '12 Rue de la Paix' });
    for (const k of ['balance', 'authorization_balance']) expect(b[k]).toMatch(/^\d+\.\d{2}$/);
  });

  it('retrieve_card_details needs cards:reveal, shows the full number and CVV, and is audited', async () => {
    expect((await krezy('card/retrieve_card_details', { card_id: card.id })).statusCode).toBe(401);
    const res = await krezy('card/retrieve_card_details', { card_id: card.id }, await revealKey(t.app, m.id));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().card_number).toMatch(/^\d{16}$/);
    expect(res.json().cvv).toMatch(/^\d{3}$/);
    expect((await t.db.query("SELECT 1 FROM audit_log WHERE action = 'card.reveal' AND target = $1", [card.id])).rows.length).toBe(1);
  });

  it.each([['3'], ['3.00'], [3]])('authorization_estimate %o → 3.00 / 1.03 / 4.03 (total a number)', async (amount) => {
    const res = await krezy('card/authorization_estimate', { card_id: card.id, amount });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ status: 'success', amount: '3.00', tax: '1.03', total: 4.03 });
  });

  it('send_authorization reserves amount + fee for the authorization balance', async () => {
    const res = await krezy('card/send_authorization', { card_id: card.id, amount: '3' });
    expect(res.json()).toEqual({ status: 'success', message: 'Transaction successful.' });
    const after = (await krezy('card/retrieve_card', { card_id: card.id })).json();
    expect(after).toMatchObject({ balance: '95.97', authorization_balance: '4.03' });
  });

  it.each([['3.001'], ['-3'], ['0'], [0], ['abc'], [null], ['1e3']])('refuses the amount %o with 422 and the documented error body', async (amount) => {
    const res = await krezy('card/authorization_estimate', { card_id: card.id, amount });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ status: 'error', error: expect.any(String) });
  });

  it('answers 401 for a bad token, 404 for an unknown or foreign card', async () => {
    const bad = await krezy('card/retrieve_card', { card_id: card.id }, 'not-a-token');
    expect(bad.statusCode).toBe(401);
    expect(bad.json()).toMatchObject({ status: 'error', error: expect.any(String) });
    expect((await krezy('card/retrieve_card', { card_id: 'card_01m80jq3m4f25b04kxejzk5vqd' })).statusCode).toBe(404);
    const other = await createMerchant(t.app, 'Other');
    const foreign = await krezy('card/retrieve_card', { card_id: card.id }, other.key);
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json()).toEqual({ status: 'error', error: 'No such card.' });
  });

  it('refuses the live path with a sandbox key, and the sandbox path with a live key', async () => {
    expect((await krezy('card/retrieve_card', { card_id: card.id }, m.key, 'live')).statusCode).toBe(401);
    await t.app.inject({ method: 'POST', url: `/admin/v1/merchants/${m.id}/live_access`, headers: adminHeaders });
    const live = (await t.app.inject({ method: 'POST', url: `/admin/v1/merchants/${m.id}/keys`, headers: adminHeaders, payload: { mode: 'live' } })).json();
    expect((await krezy('card/retrieve_card', { card_id: card.id }, live.api_key, 'sandbox')).statusCode).toBe(401);
    expect((await krezy('card/retrieve_card', { card_id: card.id }, live.api_key, 'live')).statusCode).toBe(404);
  });
});

describe('KrezyPay: the menu in the same style', () => {
  it('creates and retrieves a customer, creates, funds, freezes and lists a card, lists countries', async () => {
    const { validCustomer } = await import('../fixtures/customers.ts');
    const c = await krezy('customer/create', validCustomer());
    expect(c.statusCode, c.body).toBe(200);
    const customerId = c.json().customer_id;
    expect((await krezy('customer/retrieve', { customer_id: customerId })).json()).toMatchObject({ status: 'success', customer_id: customerId, kyc_status: 'not_started' });
    const created = await krezy('card/create', { customer_id: customerId });
    expect(created.json()).toMatchObject({ status: 'success', card_status: 'active' });
    const id = created.json().card_id;
    expect((await krezy('card/fund', { card_id: id, amount: '25.50' })).json()).toMatchObject({ status: 'success', amount: '25.50', balance: '25.50' });
    expect((await krezy('card/withdraw', { card_id: id, amount: 5 })).json()).toMatchObject({ status: 'success', balance: '20.50' });
    expect((await krezy('card/freeze', { card_id: id })).json()).toMatchObject({ status: 'success', card_status: 'frozen' });
    expect((await krezy('card/freeze', { card_id: id })).statusCode).toBe(422);
    expect((await krezy('card/unfreeze', { card_id: id })).json()).toMatchObject({ card_status: 'active' });
    const txns = (await krezy('card/transactions', { card_id: id })).json();
    expect(txns.transactions.map((x: { type: string }) => x.type)).toEqual(['withdrawal', 'funding']);
    expect(txns.transactions[1]).toMatchObject({ amount: '25.50', currency: 'USD' });
    const countries = await t.app.inject({ url: '/krezypay/v1/sandbox/countries', headers: bearer(m.key) });
    expect(countries.json().countries).toContainEqual({ code: 'US', name: 'United States of America' });
  });
});

/**
 * The seed document lives beside the repository, not in it: a fresh clone has
 * no ../shared, and its `npm test` must still pass, so the test says why it skips.
 */
const SEED_002 = path.resolve(import.meta.dirname, '../../../shared/seeds/002_e97b55ccc9f4a52f.txt');
const seedPresent = fs.existsSync(SEED_002);
if (!seedPresent) console.warn(`krezypay.test.ts: skipping the seed 002 JavaScript example: ${SEED_002} is not present beside the repository.`);

describe('KrezyPay: the JavaScript example of seed 002 runs unchanged but for the base URL', () => {
  it.skipIf(!seedPresent)('estimateAuthorization() logs the documented response', async () => {
    const seed = fs.readFileSync(SEED_002, 'utf8');
    const start = seed.indexOf('// Function to make a POST request to the KrezyPay API');
    const end = seed.indexOf('estimateAuthorization(cardId, amount, bearerToken);', start) + 'estimateAuthorization(cardId, amount, bearerToken);'.length;
    expect(start).toBeGreaterThan(0);
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const code = seed.slice(start, end)
      .replace('https://api.krezypay.com', `${address}/krezypay`)
      .replace('"c451ad689f414827abb0b6dc6ea96edb"', JSON.stringify(card.id))
      .replace('"your_bearer_token_here"', JSON.stringify(m.key))
      .replace('estimateAuthorization(cardId, amount, bearerToken);\n', 'done = estimateAuthorization(cardId, amount, bearerToken);\n');
    const logged: unknown[][] = [];
    const sandbox = { fetch, JSON, console: { log: (...a: unknown[]) => logged.push(a), error: (...a: unknown[]) => logged.push(['ERROR', ...a]) }, done: null as Promise<void> | null };
    vm.runInNewContext(code.replace(/estimateAuthorization\(cardId, amount, bearerToken\);$/, 'done = estimateAuthorization(cardId, amount, bearerToken);'), sandbox);
    await sandbox.done;
    expect(logged).toEqual([['Response Data:', { status: 'success', amount: '3.00', tax: '1.03', total: 4.03 }]]);
  });
});
