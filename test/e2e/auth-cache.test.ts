import { afterAll, describe, expect, it } from 'vitest';
import { createTestDb, onPostgres, type TestDb } from '../harness.ts';
import { call, E2E_ADMIN_TOKEN, expectOk, merchantWithCards, startServer, type ServerProcess } from './server-process.ts';

/**
 * Issue 11, item 5: each process keeps principals for at most PRINCIPAL_CACHE_MS (1 s), so a key revoked through one
 * process stops working on every other process sharing the database within that second, with no message between
 * them. Process B serves the key (and a token minted from it) right before process A revokes it; B is then polled
 * until it refuses both.
 */
if (!onPostgres) console.log('auth-cache.test.ts (e2e): skipped on PGlite (one process per data directory); set DATABASE_URL to run it');

/** The promise (issue 11, README): a revocation holds on every process within 1 second. */
const REVOCATION_SEEN_MS = 1000;
/**
 * Why 500 ms on top of the second: the time is measured from when the DELETE is sent (the commit happens somewhere
 * before its answer) to when B's refusal arrives, so it also holds both round trips, and this 2-core machine runs
 * two servers, PostgreSQL and the test runner at once; a scheduling stall of a few hundred ms is common there. A
 * cache that ignored the TTL, or kept entries for 2 s, would still fail.
 */
const SCHEDULING_MARGIN_MS = 500;
/** Between polls of B: fine enough to time the second to within a few percent. */
const POLL_INTERVAL_MS = 10;

describe.skipIf(!onPostgres)('principal cache across processes (two processes, one PostgreSQL database)', () => {
  let testDb: TestDb;
  const servers: ServerProcess[] = [];
  afterAll(async () => {
    for (const s of servers) await s.stop('SIGKILL');
    await testDb?.close();
  });

  it('a key revoked through process A stops working on process B within 1 s, it and its token', async () => {
    testDb = await createTestDb({ poolSize: 1 });
    const env = { DATABASE_URL: testDb.url!, TESSERA_RATE_LIMIT_MAX: '1000000' };
    const a = await startServer(env);
    servers.push(a);
    const b = await startServer(env);
    servers.push(b);

    const admin = { authorization: `Bearer ${E2E_ADMIN_TOKEN}` };
    const { key: merchantKey } = await merchantWithCards(a.base, 0);
    const me = await expectOk(call(a.base, 'GET', '/v1/merchant', { key: merchantKey }));
    const issued = await expectOk(call(a.base, 'POST', `/admin/v1/merchants/${me.id}/keys`, { headers: admin, body: { mode: 'sandbox' } }), 201);
    const key = issued.api_key as string;
    const token = (await expectOk(call(b.base, 'POST', '/v1/auth/token', { key }))).token as string;

    // B serves both, and has them cached: the last of these is at most a few ms before the revocation.
    for (let i = 0; i < 5; i++) {
      for (const credential of [key, token]) expect((await call(b.base, 'GET', '/v1/merchant', { key: credential })).status).toBe(200);
    }

    const sentAt = Date.now();
    await expectOk(call(a.base, 'DELETE', `/admin/v1/merchants/${me.id}/keys/${issued.id}`, { headers: admin }));
    const revokedAt = Date.now();
    expect((await call(a.base, 'GET', '/v1/merchant', { key })).status).toBe(401); // A forgot at once

    const refusedAfter: Record<string, number> = {};
    let servedAfterRevocation = 0;
    while (Object.keys(refusedAfter).length < 2 && Date.now() - sentAt < 5 * REVOCATION_SEEN_MS) {
      for (const [name, credential] of [['key', key], ['token', token]] as const) {
        if (name in refusedAfter) continue;
        const answer = await call(b.base, 'GET', '/v1/merchant', { key: credential });
        if (answer.status === 200) servedAfterRevocation++;
        else {
          expect(answer.status, answer.body).toBe(401);
          expect(JSON.parse(answer.body).error.code).toBe('api_key_revoked');
          refusedAfter[name] = Date.now() - sentAt;
        }
      }
      await new Promise((r) => setTimeout(r, POLL_INTERVAL_MS));
    }
    console.log(`auth-cache e2e: the DELETE took ${revokedAt - sentAt} ms; B served the revoked credentials ${servedAfterRevocation} more times from its cache, `
      + `then refused the key after ${refusedAfter.key} ms and the token after ${refusedAfter.token} ms`);
    expect(refusedAfter.key).toBeLessThanOrEqual(REVOCATION_SEEN_MS + SCHEDULING_MARGIN_MS);
    expect(refusedAfter.token).toBeLessThanOrEqual(REVOCATION_SEEN_MS + SCHEDULING_MARGIN_MS);
    // The merchant's other key never stopped working.
    expect((await call(b.base, 'GET', '/v1/merchant', { key: merchantKey })).status).toBe(200);
  }, 90_000);
});
