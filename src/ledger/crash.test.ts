import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, onPostgres, type TestDb } from '../../test/harness.ts';
import { createAccounts, createTransfers, lookupTransfers, verifyLedger, LOOKUP_IDS_MAX } from './index.ts';
import { countersOf, netPosted, uniquePrefix } from './testing/fixtures.ts';

/**
 * Crash safety on a real PostgreSQL server: a child process applies random
 * batches and is SIGKILLed at random moments, 20 times. Every transfer it
 * saw acknowledged must exist exactly once, totals must be conserved and
 * verifyLedger() must be clean.
 */

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testing', 'crash-child.ts');
const KILLS = 20;
const NOW = new Date('2026-07-01T00:00:00Z');

function waitForReady(child: ReturnType<typeof spawn>): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ready\n')) resolve();
    });
    child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
    child.on('exit', (code) => reject(new Error(`child exited (${code}) before it was ready: ${err}`)));
  });
}

describe.skipIf(!onPostgres)('ledger under SIGKILL (PostgreSQL)', () => {
  let tdb: TestDb;
  let dir: string;
  beforeAll(async () => {
    tdb = await createTestDb({ poolSize: 4 });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-crash-'));
  });
  afterAll(async () => {
    await tdb?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it(`keeps every acknowledged transfer through ${KILLS} kills`, async () => {
    const db = tdb.db;
    const p = uniquePrefix('crash');
    const names = Array.from({ length: 12 }, (_, i) => `W${i}`);
    await db.transaction(async (tx) => {
      await createAccounts(tx, [
        { id: `${p}X`, ledger: 840, code: 'external_funding' },
        ...names.map((n) => ({ id: `${p}${n}`, ledger: 840, code: 'card_available' as const, flags: ['debits_must_not_exceed_credits' as const] })),
        { id: `${p}S`, ledger: 840, code: 'network_settlement' },
      ]);
      await createTransfers(tx, names.map((n) => ({
        id: `${p}fund-${n}`, debitAccountId: `${p}X`, creditAccountId: `${p}${n}`, amount: 1_000n, ledger: 840, code: 'deposit',
      })), { now: NOW });
    });
    const ids = [...names, 'S'].map((n) => `${p}${n}`);
    const before = await netPosted(db, ids);
    const url = new URL(tdb.url!);
    url.searchParams.set('application_name', 'tessera-crash-child');

    for (let i = 0; i < KILLS; i++) {
      const child = spawn(process.execPath, ['--import', 'tsx', CHILD, url.toString(), dir, p, [...names, 'S'].join(',')], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const exited = new Promise<void>((r) => child.on('exit', () => r()));
      await waitForReady(child);
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 500));
      child.kill('SIGKILL');
      await exited;
    }

    // The server may still be finishing a killed child's last statement.
    for (let i = 0; i < 100; i++) {
      const { rows } = await db.query<{ n: bigint }>(
        `SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = 'tessera-crash-child' AND datname = current_database()`);
      if (rows[0]!.n === 0n) break;
      await new Promise((r) => setTimeout(r, 100));
    }

    // Only complete lines count: a line cut by the kill was never acknowledged.
    const text = fs.readFileSync(path.join(dir, 'acks.txt'), 'utf8');
    const acked = [...new Set(text.split('\n').slice(0, -1))];
    expect(acked.length).toBeGreaterThan(200);
    let found = 0;
    for (let i = 0; i < acked.length; i += LOOKUP_IDS_MAX) {
      const chunk = acked.slice(i, i + LOOKUP_IDS_MAX);
      const stored = await lookupTransfers(db, chunk);
      expect(new Set(stored.map((t) => t.id)).size).toBe(stored.length);
      found += stored.length;
    }
    expect(found).toBe(acked.length);
    const { rows } = await db.query<{ n: bigint }>(`SELECT count(*) AS n FROM ledger_transfers WHERE id LIKE $1`, [`${p}k%`]);
    expect(Number(rows[0]!.n)).toBeGreaterThanOrEqual(acked.filter((id) => id.startsWith(`${p}k`)).length);

    expect(await netPosted(db, ids)).toBe(before);
    const counters = Object.values(await countersOf(db, ids));
    expect(counters.reduce((s, c) => s + c[0], 0n)).toBe(counters.reduce((s, c) => s + c[2], 0n));
    expect((await verifyLedger(db)).violations).toEqual([]);
  }, 120_000);
});
