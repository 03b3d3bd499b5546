import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, bearer, buildTestApp, createMerchant, type TestApp } from '../harness.ts';
import { customerWithAccount, issueCard } from '../fixtures/flows.ts';

/** GET /admin/v1/ledger/accounts/{accountId}/transfers: an account's history for the operator's Ledger page. */

interface LedgerTransfer {
  id: string; debit_account_id: string; credit_account_id: string; side: string; amount: number; currency: string; ledger: number;
  code: string; type: string; state: string; pending_id: string | null; resolved_by: string | null; expired: boolean;
  resolved_at: string | null; created_at: string;
}
interface Page { object: string; data: LedgerTransfer[]; has_more: boolean }

let t: TestApp;
let key: string;
let cardId: string;
let approvedId: string;
let reversedId: string;

const history = (accountId: string, query = '', headers: Record<string, string> = adminHeaders) =>
  t.app.inject({ url: `/admin/v1/ledger/accounts/${encodeURIComponent(accountId)}/transfers${query}`, headers });

async function post(url: string, payload: object) {
  const res = await t.app.inject({ method: 'POST', url, headers: bearer(key), payload });
  expect(res.statusCode, res.body).toBeLessThan(300);
  return res.json() as { id: string; status: string };
}

beforeAll(async () => {
  t = await buildTestApp();
  key = (await createMerchant(t.app)).key;
  const { accountId } = await customerWithAccount(t.app, key, { kyc: true });
  cardId = (await issueCard(t.app, key, accountId)).id;
  await post('/v1/simulate/wallet_deposits', { currency: 'USD', amount: 500_00 });
  await post(`/v1/cards/${cardId}/fund`, { amount: 100_00 });
  const merchant = { name: 'Blue Bottle', mcc: '5814', country: 'US' };
  const approved = await post('/v1/simulate/authorizations', { card_id: cardId, amount: 12_50, currency: 'USD', merchant });
  expect(approved.status).toBe('approved');
  approvedId = approved.id;
  await post(`/v1/simulate/authorizations/${approvedId}/clear`, { amount: 12_50 });
  const reversed = await post('/v1/simulate/authorizations', { card_id: cardId, amount: 3_00, currency: 'USD', merchant });
  reversedId = reversed.id;
  await post(`/v1/simulate/authorizations/${reversedId}/reverse`, { amount: 3_00 });
  await post('/v1/simulate/authorizations', { card_id: cardId, amount: 7_00, currency: 'USD', merchant });
});
afterAll(async () => t?.close());

describe('an account\'s transfers: happy path', () => {
  it('lists the card account\'s transfers newest first, amounts in integer minor units, with each hold\'s state', async () => {
    const res = await history(`${cardId}:available`, '?limit=100');
    expect(res.statusCode, res.body).toBe(200);
    const page = res.json() as Page;
    expect(page.object).toBe('list');
    expect(page.has_more).toBe(false);
    const times = page.data.map((x) => x.created_at);
    expect([...times].sort().reverse()).toEqual(times);
    for (const x of page.data) {
      expect(x.currency).toBe('USD');
      expect(x.ledger).toBe(840);
      expect(Number.isInteger(x.amount)).toBe(true);
      expect([x.debit_account_id, x.credit_account_id]).toContain(`${cardId}:available`);
      expect(x.side).toBe(x.debit_account_id === `${cardId}:available` ? 'debit' : 'credit');
    }
    // The funding credits the card; every authorization is a hold (pending) that is posted, voided, or still pending.
    expect(page.data.some((x) => x.side === 'credit' && x.amount === 100_00 && x.state === 'posted')).toBe(true);
    const holds = page.data.filter((x) => x.type === 'pending' && x.code === 'authorization');
    expect(holds.map((x) => x.state).sort()).toEqual(['pending', 'posted', 'voided']);
    const posted = holds.find((x) => x.state === 'posted')!;
    expect(posted.amount).toBe(12_50);
    expect(posted.resolved_at).not.toBeNull();
    const post = page.data.find((x) => x.id === posted.resolved_by);
    expect(post, 'the post that resolved the hold').toMatchObject({ type: 'post_pending', state: 'posted', pending_id: posted.id, amount: 12_50 });
    expect(holds.find((x) => x.state === 'voided')).toMatchObject({ amount: 3_00, expired: false });
    expect(holds.find((x) => x.state === 'pending')).toMatchObject({ amount: 7_00, resolved_by: null, resolved_at: null });
  });

  it('pages by cursor without gaps or repeats', async () => {
    const all = (await history(`${cardId}:available`, '?limit=100')).json() as Page;
    expect(all.data.length).toBeGreaterThan(3);
    const seen: string[] = [];
    let cursor = '';
    for (let i = 0; i < all.data.length; i++) {
      const page = (await history(`${cardId}:available`, `?limit=2${cursor}`)).json() as Page;
      seen.push(...page.data.map((x) => x.id));
      if (!page.has_more) break;
      cursor = `&starting_after=${encodeURIComponent(page.data.at(-1)!.id)}`;
    }
    expect(seen).toEqual(all.data.map((x) => x.id));
  });

  it('answers an account without transfers with an empty page', async () => {
    const { accountId } = await customerWithAccount(t.app, key);
    const card = await issueCard(t.app, key, accountId);
    const res = await history(`${card.id}:reserve`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ object: 'list', data: [], has_more: false });
  });
});

describe('an account\'s transfers: errors', () => {
  it('answers 404 for an unknown account', async () => {
    const res = await history('card_00000000000000000000000000:available');
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toMatchObject({ code: 'resource_not_found', param: 'accountId' });
  });

  it('answers 400 naming the field for a cursor that is no transfer, and for a bad limit', async () => {
    const cursor = await history(`${cardId}:available`, '?starting_after=no_such_transfer');
    expect(cursor.statusCode).toBe(400);
    expect(cursor.json().error).toMatchObject({ code: 'parameter_invalid', param: 'starting_after' });
    const limit = await history(`${cardId}:available`, '?limit=0');
    expect(limit.statusCode).toBe(400);
    expect(limit.json().error.param).toBe('limit');
  });
});

describe('an account\'s transfers: security', () => {
  it('refuses a request without the admin token, and a merchant key, even for its own card', async () => {
    expect((await history(`${cardId}:available`, '', {})).statusCode).toBe(401);
    const merchant = await history(`${cardId}:available`, '', bearer(key));
    expect(merchant.statusCode).toBe(401);
    expect(merchant.json().error.code).toBe('invalid_admin_token');
    expect(merchant.body).not.toContain(cardId);
  });
});
