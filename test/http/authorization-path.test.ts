import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { runner } from 'node-pg-migrate';
import { migrate } from '../../src/db/index.ts';
import { MIGRATIONS_DIR } from '../../src/db/migrate.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLedger } from '../../src/ledger/index.ts';
import { AUTHORIZATION_LANES_POSTGRES, AuthorizationLanes, laneOf, type BatchItem } from '../../src/authorizations/index.ts';
import { SETTLEMENT_SHARDS } from '../../src/accounts/index.ts';
import { shardOf } from '../../src/lib/hash.ts';
import { bearer, buildTestApp, createMerchant, onPostgres, type TestApp } from '../harness.ts';
import { customerWithAccount, issueCard } from '../fixtures/flows.ts';

/**
 * Issue 11: one authorization path for every caller. Requests with an
 * Idempotency-Key are group-committed like the rest, checked before the
 * merchant's real-time endpoint is asked; each item lives at its own time;
 * a lane whose batch fails answers only its own requests with 503.
 */
const shop = { name: 'Corner Shop', mcc: '5411', country: 'US' };
let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ config: { webhooksAllowPrivate: true } });
});
afterAll(async () => t.close());

const post = (url: string, payload: object, key: string, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url, headers: { ...bearer(key), ...headers }, payload });

async function fundedCard(key: string, amount: number) {
  const { accountId } = await customerWithAccount(t.app, key);
  const card = await issueCard(t.app, key, accountId);
  expect((await post('/v1/simulate/wallet_deposits', { currency: 'USD', amount }, key)).statusCode).toBe(200);
  expect((await post(`/v1/cards/${card.id}/fund`, { amount }, key)).statusCode).toBe(200);
  return card.id;
}

describe('idempotent authorizations', () => {
  it('replay the first answer with Idempotent-Replayed, and refuse another body under the same key', async () => {
    const m = await createMerchant(t.app, 'Idem');
    const cardId = await fundedCard(m.key, 10_000);
    const body = { card_id: cardId, amount: 300, currency: 'USD', merchant: shop };
    const first = await post('/v1/simulate/authorizations', body, m.key, { 'idempotency-key': 'auth-1' });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const again = await post('/v1/simulate/authorizations', body, m.key, { 'idempotency-key': 'auth-1' });
    expect(again.statusCode).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
    const other = await post('/v1/simulate/authorizations', { ...body, amount: 301 }, m.key, { 'idempotency-key': 'auth-1' });
    expect(other.statusCode).toBe(422);
    expect(other.json().error.code).toBe('idempotency_key_reused');
    const balance = (await t.app.inject({ url: `/v1/cards/${cardId}/balance`, headers: bearer(m.key) })).json();
    expect(balance.available).toBe(10_000 - 403);
    // Another merchant's same key is its own.
    const m2 = await createMerchant(t.app, 'Idem 2');
    const card2 = await fundedCard(m2.key, 1_000);
    const theirs = await post('/v1/simulate/authorizations', { ...body, card_id: card2 }, m2.key, { 'idempotency-key': 'auth-1' });
    expect(theirs.headers['idempotent-replayed']).toBeUndefined();
    expect(theirs.json().card_id).toBe(card2);
  });

  it('concurrent requests with one key: one effect, one call to the real-time endpoint', async () => {
    let calls = 0;
    const server = http.createServer((req, res) => {
      calls++;
      req.resume();
      req.on('end', () => setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"approved": true}'), 50));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const m = await createMerchant(t.app, 'Realtime idem');
      const set = await t.app.inject({
        method: 'PUT', url: '/v1/authorization_endpoint', headers: bearer(m.key),
        payload: { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/decide`, fallback: 'decline', timeout_ms: 2000 },
      });
      expect(set.statusCode, set.body).toBe(200);
      const cardId = await fundedCard(m.key, 10_000);
      const body = { card_id: cardId, amount: 300, currency: 'USD', merchant: shop };
      const answers = await Promise.all(Array.from({ length: 8 }, () => post('/v1/simulate/authorizations', body, m.key, { 'idempotency-key': 'same' })));
      const ok = answers.filter((a) => a.statusCode === 200);
      // The first runs; twins that arrive while it runs are told so (409), never run.
      expect(ok.length).toBeGreaterThanOrEqual(1);
      for (const a of answers.filter((x) => x.statusCode !== 200)) expect(a.json().error.code).toBe('idempotency_key_in_flight');
      const retry = await post('/v1/simulate/authorizations', body, m.key, { 'idempotency-key': 'same' });
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(retry.json().id).toBe(ok[0]!.json().id);
      expect(new Set(ok.map((a) => a.json().id)).size).toBe(1);
      expect(calls).toBe(1);
      const { rows } = await t.db.query('SELECT count(*)::int AS n FROM authorizations WHERE card_id = $1', [cardId]);
      expect(rows[0]!.n).toBe(1);
    } finally {
      server.close();
    }
  });
});

describe('each item at its own time', () => {
  it('two merchants with different sandbox clocks, in one batch, each see their own daily window', async () => {
    const a = await createMerchant(t.app, 'Clock A');
    const b = await createMerchant(t.app, 'Clock B');
    const cardA = await fundedCard(a.key, 10_000);
    const cardB = await fundedCard(b.key, 10_000);
    for (const [key, card] of [[a.key, cardA], [b.key, cardB]] as const) {
      expect((await t.app.inject({ method: 'PUT', url: `/v1/cards/${card}/spending_controls`, headers: bearer(key), payload: { daily: 500 } })).statusCode).toBe(200);
      // Today's spend: 400 on each card.
      expect((await post('/v1/simulate/authorizations', { card_id: card, amount: 400, currency: 'USD', merchant: shop }, key)).json().status).toBe('approved');
    }
    // Merchant b moves its sandbox clock a day ahead: a new day, an empty daily window.
    expect((await post('/v1/simulate/clock/advance', { seconds: 86_400 }, b.key)).statusCode).toBe(200);
    const [ra, rb] = await Promise.all([
      post('/v1/simulate/authorizations', { card_id: cardA, amount: 300, currency: 'USD', merchant: shop }, a.key),
      post('/v1/simulate/authorizations', { card_id: cardB, amount: 300, currency: 'USD', merchant: shop }, b.key),
    ]);
    expect(ra.json()).toMatchObject({ status: 'declined', decline_reason: 'spending_controls' });
    expect(rb.json()).toMatchObject({ status: 'approved' });
    expect(new Date(rb.json().created_at).getTime() - new Date(ra.json().created_at).getTime()).toBeGreaterThanOrEqual(86_400_000 - 5_000);
  });
});

describe('lanes', () => {
  it('route one card to one lane, and spread cards over the lanes', () => {
    const ids = Array.from({ length: 400 }, (_, i) => `card_01m8k6${String(i).padStart(20, '0')}`);
    expect(ids.every((id) => laneOf(id, 4) === laneOf(id, 4))).toBe(true);
    const counts = [0, 0, 0, 0];
    for (const id of ids) counts[laneOf(id, 4)]!++;
    for (const c of counts) expect(c).toBeGreaterThan(50);
    // A lane's cards credit only its own shards of the merchant's settlement accounts: lanes never queue on one row.
    for (const id of ids) expect(shardOf(id, SETTLEMENT_SHARDS) % AUTHORIZATION_LANES_POSTGRES).toBe(laneOf(id, AUTHORIZATION_LANES_POSTGRES));
  });

  it('a full queue answers 503 at once instead of growing', async () => {
    let release = () => {};
    const gate = new Promise<void>((r) => (release = r));
    const lanes = new AuthorizationLanes(async (items) => {
      await gate;
      return items.map(() => ({ kind: 'reused' as const }));
    }, { lanes: 1, queueMax: 3 });
    const item = (cardId: string) => ({ request: { cardId } }) as unknown as BatchItem;
    const waiting = [lanes.submit(item('card_1')), lanes.submit(item('card_2')), lanes.submit(item('card_3'))];
    await expect(lanes.submit(item('card_4'))).rejects.toMatchObject({ code: 'service_unavailable' });
    release();
    expect(await Promise.all(waiting)).toHaveLength(3);
    await expect(lanes.submit(item('card_5'))).resolves.toEqual({ kind: 'reused' });
  });

  it('a batch that fails rejects only its own requests; the next batch succeeds', async () => {
    let fail = true;
    const lanes = new AuthorizationLanes(async (items) => {
      if (fail) {
        fail = false;
        throw new Error('the database dropped');
      }
      return items.map(() => ({ kind: 'reused' as const }));
    }, { lanes: 2 });
    const item = (cardId: string) => ({ request: { cardId } }) as unknown as BatchItem;
    const first = lanes.submit(item('card_a'));
    await expect(first).rejects.toThrow('the database dropped');
    await expect(lanes.submit(item('card_a'))).resolves.toEqual({ kind: 'reused' });
  });
});

describe.skipIf(!onPostgres)('a lane whose database connection drops mid-batch (PostgreSQL)', () => {
  it('answers its own requests 503 and the next batch succeeds; the ledger stays clean', async () => {
    const m = await createMerchant(t.app, 'Drop');
    const cards = await Promise.all(Array.from({ length: 4 }, () => fundedCard(m.key, 100_000)));
    const dbName = (await t.db.query<{ d: string }>('SELECT current_database() AS d')).rows[0]!.d;
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    try {
      const statuses: number[] = [];
      let stop = false;
      const load = Promise.all(cards.map(async (card) => {
        while (!stop) {
          const r = await post('/v1/simulate/authorizations', { card_id: card, amount: 10, currency: 'USD', merchant: shop }, m.key);
          statuses.push(r.statusCode);
          if (r.statusCode !== 200) expect(r.json().error.code).toBe('service_unavailable');
        }
      }));
      for (let i = 0; i < 3; i++) {
        await new Promise((r) => setTimeout(r, 200));
        await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [dbName]);
      }
      await new Promise((r) => setTimeout(r, 200));
      stop = true;
      await load;
      expect(statuses.filter((s) => s !== 200 && s !== 503)).toEqual([]);
      const after = await post('/v1/simulate/authorizations', { card_id: cards[0], amount: 10, currency: 'USD', merchant: shop }, m.key);
      expect(after.json().status).toBe('approved');
      expect((await verifyLedger(t.db)).violations).toEqual([]);
    } finally {
      await admin.end();
    }
  });
});

describe('settlement shards (migration 0013)', () => {
  it('gives merchants that had the accounts before their shards; down removes only shards money never moved through', async () => {
    const m = await createMerchant(t.app, 'Shards');
    // Undo 0013 and everything after it.
    const count = fs.readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql') && f >= '0013_settlement_shards.sql').length;
    const cardId = await fundedCard(m.key, 10_000);
    expect((await post('/v1/simulate/authorizations', { card_id: cardId, amount: 300, currency: 'USD', merchant: shop }, m.key)).json().status).toBe('approved');
    const shards = async () => (await t.db.query<{ id: string }>(
      "SELECT id FROM ledger_accounts WHERE owner_merchant_id = $1 AND code = 'network_settlement' ORDER BY id", [m.id])).rows.map((r) => r.id);
    expect(await shards()).toHaveLength(SETTLEMENT_SHARDS);
    const used = `${m.id}:sandbox:USD:network_settlement${shardOf(cardId, SETTLEMENT_SHARDS) === 0 ? '' : `:${shardOf(cardId, SETTLEMENT_SHARDS)}`}`;
    await t.db.withClient((client) => runner({
      dbClient: client, dir: MIGRATIONS_DIR, migrationsTable: 'schema_migrations', direction: 'down', count,
      singleTransaction: true, logger: { debug() {}, info() {}, warn() {}, error() {} }, log: () => {},
    }));
    const after = await shards();
    expect(after).toContain(used);
    expect(after.length).toBeLessThan(SETTLEMENT_SHARDS);
    await migrate(t.db);
    expect(await shards()).toHaveLength(SETTLEMENT_SHARDS);
    expect((await post('/v1/simulate/authorizations', { card_id: cardId, amount: 300, currency: 'USD', merchant: shop }, m.key)).json().status).toBe('approved');
    expect((await verifyLedger(t.db)).violations).toEqual([]);
  });
});
