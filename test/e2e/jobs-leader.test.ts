import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDb, onPostgres, type TestDb } from '../harness.ts';
import { call, expectOk, merchantWithCards, startServer, waitFor, type ServerProcess } from './server-process.ts';
import { MONEY_EXPIRY_INTERVAL_MS } from '../../src/jobs/index.ts';

/**
 * Issue 10 §6 / SPEC §12: two server processes on one PostgreSQL database
 * both serve requests, but only one runs the background jobs; a reservation
 * expires once, by the leader; killing the leader hands the jobs to the other
 * within 10 seconds.
 */
if (!onPostgres) console.log('jobs-leader.test.ts: skipped on PGlite (one process per data directory); set DATABASE_URL to run it');

const ELECTED = 'this process now runs the background jobs (jobs leader)';
const EXPIRED = 'reservations and holds expired';
const FAILOVER_MAX_MS = 10_000;

describe.skipIf(!onPostgres)('jobs under one leader (two processes, one PostgreSQL database)', () => {
  let testDb: TestDb;
  const servers: ServerProcess[] = [];
  afterAll(async () => {
    for (const s of servers) await s.stop('SIGKILL');
    await testDb?.close();
  });

  it('one leader runs the jobs, an expiry fires once, and a killed leader hands over within 10 s', async () => {
    testDb = await createTestDb({ poolSize: 1 });
    const env = { DATABASE_URL: testDb.url!, TESSERA_RATE_LIMIT_MAX: '100000' };
    const a = await startServer(env);
    servers.push(a);
    await waitFor(() => (a.logs().some((l) => l.msg === ELECTED) ? true : null), 10_000, 'the first process to lead');
    const b = await startServer(env);
    servers.push(b);

    // Both serve the API.
    const { key, cards } = await merchantWithCards(a.base, 1);
    for (const s of [a, b]) expect((await call(s.base, 'GET', '/v1/merchant', { key })).status).toBe(200);

    // A reservation whose time is up: the leader's expiry job returns it, once.
    await expectOk(call(b.base, 'POST', `/v1/cards/${cards[0]}/fund`, { key, body: { amount: 10_000 } }));
    const reservation = await expectOk(call(b.base, 'POST', `/v1/cards/${cards[0]}/reservations`, { key, body: { amount: 300 } }), 201);
    const admin = new pg.Client({ connectionString: testDb.url! });
    await admin.connect();
    try {
      await admin.query("UPDATE reservations SET expires_at = now() - interval '1 minute' WHERE id = $1", [reservation.id]);
      await waitFor(async () => {
        const { rows } = await admin.query<{ status: string }>('SELECT status FROM reservations WHERE id = $1', [reservation.id]);
        return rows[0]?.status === 'expired' ? true : null;
      }, MONEY_EXPIRY_INTERVAL_MS + 10_000, 'the reservation to expire');
      const events = await admin.query("SELECT 1 FROM events WHERE type = 'reservation.expired'");
      expect(events.rowCount).toBe(1);
    } finally {
      await admin.end();
    }
    expect(a.logs().filter((l) => l.msg === EXPIRED)).toHaveLength(1);
    expect(b.logs().filter((l) => l.msg === EXPIRED || l.msg === ELECTED)).toEqual([]);
    const balance = await expectOk(call(b.base, 'GET', `/v1/cards/${cards[0]}/balance`, { key }));
    expect(balance.available).toBe(10_000);

    // The leader dies without a word: its session, and with it the lock, goes; the follower takes over.
    const killedAt = Date.now();
    await a.stop('SIGKILL');
    await waitFor(() => (b.logs().some((l) => l.msg === ELECTED) ? true : null), FAILOVER_MAX_MS, 'the other process to lead');
    expect(Date.now() - killedAt).toBeLessThanOrEqual(FAILOVER_MAX_MS);
    expect((await call(b.base, 'GET', '/v1/merchant', { key })).status).toBe(200);
    expect(await b.stop('SIGTERM')).toBe(0);
  }, 90_000);
});
