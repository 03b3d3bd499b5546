import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLedger } from '../../src/ledger/index.ts';
import { bearer, buildTestApp, createMerchant, onPostgres, type TestApp } from '../harness.ts';
import { customerWithAccount, issueCard } from '../fixtures/flows.ts';

/**
 * Issue 10 §1: a PostgreSQL backend that dies under a request (here:
 * pg_terminate_backend of every Tessera connection, as a failover or a
 * restart does) must never take the process down, never answer 500, and a
 * request whose outcome was unknown must replay to exactly one effect.
 */
if (!onPostgres) console.log('db-outage.test.ts: skipped on PGlite (it needs PostgreSQL backends to terminate); set DATABASE_URL to run it');

const WORKERS = 6;
const TERMINATIONS = 5;
const FUND_AMOUNT = 100;

interface Sent {
  key: string;
  cardId: string;
  status: number;
  body: string;
  retryAfter: string | undefined;
}

describe.skipIf(!onPostgres)('database faults under traffic (PostgreSQL)', () => {
  let t: TestApp;
  let key: string;
  let cards: string[];
  let admin: pg.Client;
  let dbName: string;

  beforeAll(async () => {
    t = await buildTestApp();
    key = (await createMerchant(t.app, 'Outage Co')).key;
    const deposit = await t.app.inject({ method: 'POST', url: '/v1/simulate/wallet_deposits', headers: bearer(key), payload: { currency: 'USD', amount: 100_000_000 } });
    expect(deposit.statusCode, deposit.body).toBe(200);
    cards = [];
    for (let i = 0; i < WORKERS; i++) {
      const { accountId } = await customerWithAccount(t.app, key);
      cards.push((await issueCard(t.app, key, accountId)).id);
    }
    dbName = (await t.db.query<{ d: string }>('SELECT current_database() AS d')).rows[0]!.d;
    admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.end();
    await t?.close();
  });

  const fund = (cardId: string, idempotencyKey: string) => t.app.inject({
    method: 'POST', url: `/v1/cards/${cardId}/fund`, headers: { ...bearer(key), 'idempotency-key': idempotencyKey }, payload: { amount: FUND_AMOUNT },
  });

  it('survives every backend being terminated 5 times: no 500, 503 with Retry-After, each acknowledged request replays, one effect per key, ledger clean', async () => {
    const sent: Sent[] = [];
    const other: number[] = [];
    let stop = false;
    let n = 0;
    const worker = async (w: number) => {
      while (!stop) {
        const idempotencyKey = `outage-${w}-${n++}`;
        const res = await fund(cards[w]!, idempotencyKey);
        sent.push({ key: idempotencyKey, cardId: cards[w]!, status: res.statusCode, body: res.body, retryAfter: res.headers['retry-after'] as string | undefined });
        // Authorizations go through the group-commit batcher: a batch that loses its connection fails only its own requests.
        const auth = await t.app.inject({
          method: 'POST', url: '/v1/simulate/authorizations', headers: bearer(key),
          payload: { card_id: cards[w]!, amount: 1, currency: 'USD', merchant: { name: 'Shop', mcc: '5411', country: 'US' } },
        });
        other.push(auth.statusCode);
        if (auth.statusCode >= 500) expect(auth.json().error.code).toBe('service_unavailable');
      }
    };
    const workers = Array.from({ length: WORKERS }, (_, w) => worker(w));
    let terminated = 0;
    for (let i = 0; i < TERMINATIONS; i++) {
      await new Promise((r) => setTimeout(r, 300));
      const r = await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [dbName]);
      terminated += r.rowCount ?? 0;
    }
    await new Promise((r) => setTimeout(r, 300));
    stop = true;
    await Promise.all(workers);

    expect(terminated).toBeGreaterThan(0);
    const statuses = [...sent.map((s) => s.status), ...other];
    expect(statuses.filter((s) => s === 500)).toEqual([]);
    expect(new Set(statuses.filter((s) => s !== 200 && s !== 201 && s !== 503 && s !== 422))).toEqual(new Set());
    for (const s of sent.filter((x) => x.status === 503)) {
      expect(JSON.parse(s.body).error.code).toBe('service_unavailable');
      expect(s.retryAfter).toBe('1');
    }
    expect(sent.filter((s) => s.status === 200).length).toBeGreaterThan(0);

    // Every acknowledged request replays to the same answer; every 503 resolves on retry to the committed result or
    // one fresh execution. Either way each key moves money exactly once, which the card balances prove.
    const expected = new Map<string, number>();
    for (const s of sent) {
      const replay = await fund(s.cardId, s.key);
      expect(replay.statusCode, replay.body).toBe(200);
      if (s.status === 200) {
        expect(replay.headers['idempotent-replayed']).toBe('true');
        expect(replay.body).toBe(s.body);
      }
      expected.set(s.cardId, (expected.get(s.cardId) ?? 0) + FUND_AMOUNT);
    }
    // Only funding credits a card's spendable account here (authorizations debit it), so its posted credits count the
    // fundings that took effect.
    const { rows } = await t.db.query<{ id: string; credits_posted: bigint }>(
      'SELECT id, credits_posted FROM ledger_accounts WHERE id = ANY($1::text[])', [cards.map((c) => `${c}:available`)]);
    expect(rows).toHaveLength(cards.length);
    for (const r of rows) expect(Number(r.credits_posted)).toBe(expected.get(r.id.replace(/:available$/, '')) ?? 0);
    const report = await verifyLedger(t.db);
    expect(report.violations).toEqual([]);
  });

  it('recovers by itself: the first request after the backends are gone succeeds', async () => {
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [dbName]);
    const res = await t.app.inject({ url: '/v1/merchant', headers: bearer(key) });
    expect(res.statusCode, res.body).toBe(200);
    const ready = await t.app.inject({ url: '/ready' });
    expect(ready.statusCode).toBe(200);
  });
});
