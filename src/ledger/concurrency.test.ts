import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, onPostgres, type TestDb } from '../../test/harness.ts';
import type { Db } from '../db/index.ts';
import {
  createAccounts, createTransfers, createTransfersTx, expirePendingTransfers, verifyLedger,
  type TransferInput, type TransferResultCode,
} from './index.ts';
import { countersOf, netPosted, uniquePrefix } from './testing/fixtures.ts';

/**
 * Concurrency on a real PostgreSQL server (PGlite has one connection, so it
 * cannot race): the balance limits hold under contention, totals are
 * conserved, and the lock order means no deadlock ever reaches a caller.
 */

const NOW = new Date('2026-06-01T00:00:00Z');

async function fundedAccounts(db: Db, p: string, names: string[], amount: bigint, unlimited: string[] = []): Promise<void> {
  await db.transaction(async (tx) => {
    const created = await createAccounts(tx, [
      { id: `${p}X`, ledger: 840, code: 'external_funding' },
      ...names.map((n) => ({ id: `${p}${n}`, ledger: 840, code: 'card_available' as const, flags: ['debits_must_not_exceed_credits' as const] })),
      ...unlimited.map((n) => ({ id: `${p}${n}`, ledger: 840, code: 'network_settlement' as const })),
    ]);
    expect(created.every((r) => r.result === 'ok')).toBe(true);
    if (amount > 0n) {
      const funded = await createTransfers(tx, names.map((n) => ({
        id: `${p}fund-${n}`, debitAccountId: `${p}X`, creditAccountId: `${p}${n}`, amount, ledger: 840, code: 'deposit',
      })), { now: NOW });
      expect(funded.every((r) => r.result === 'ok')).toBe(true);
    }
  });
}

const tally = (codes: TransferResultCode[]) => codes.reduce<Record<string, number>>((m, c) => ({ ...m, [c]: (m[c] ?? 0) + 1 }), {});

describe.skipIf(!onPostgres)('ledger under concurrency (PostgreSQL)', () => {
  let tdb: TestDb;
  beforeAll(async () => {
    tdb = await createTestDb({ poolSize: 70 });
  });
  afterAll(async () => tdb?.close());

  it('64 racing transfers of 100 from an account holding 100: exactly one succeeds (200 rounds)', async () => {
    const db = tdb.db;
    for (let round = 0; round < 200; round++) {
      const p = uniquePrefix('race');
      await fundedAccounts(db, p, ['A', 'B'], 100n);
      // Half single-phase, half holds: both compete for the same 100.
      const racers = Array.from({ length: 64 }, (_, i): TransferInput => ({
        id: `${p}r${i}`, debitAccountId: `${p}A`, creditAccountId: `${p}B`, amount: 100n, ledger: 840, code: 'race',
        flags: i % 2 === 0 ? [] : ['pending'],
      }));
      const results = await Promise.all(racers.map((t) => createTransfersTx(db, [t], { now: NOW })));
      expect(tally(results.map((r) => r[0]!.result)), `round ${round}`).toEqual({ ok: 1, exceeds_credits: 63 });
      const c = (await countersOf(db, [`${p}A`]))[`${p}A`]!;
      expect(c[0] + c[1], `round ${round}`).toBe(100n);
      expect(c[3]).toBe(100n);
    }
    expect((await verifyLedger(db)).violations).toEqual([]);
  }, 120_000);

  it('8 clients moving money among 16 accounts for 10 s: totals conserved, verifyLedger clean', async () => {
    const db = tdb.db;
    const p = uniquePrefix('mix');
    const names = Array.from({ length: 16 }, (_, i) => `W${i}`);
    await fundedAccounts(db, p, names, 1_000n, ['S']);
    const ids = [...names, 'S'].map((n) => `${p}${n}`);
    const before = await netPosted(db, ids);
    const deadline = Date.now() + 10_000;
    const seen: Record<string, number> = {};
    let n = 0;
    const pick = () => ids[Math.floor(Math.random() * ids.length)]!;
    const client = async (c: number) => {
      const holds: string[] = [];
      let clock = NOW.getTime();
      while (Date.now() < deadline) {
        clock += 100;
        const batch: TransferInput[] = [];
        const size = 1 + Math.floor(Math.random() * 12);
        while (batch.length < size) {
          const id = `${p}c${c}-${n++}`;
          const roll = Math.random();
          const dr = pick();
          let cr = pick();
          while (cr === dr) cr = pick();
          const amount = BigInt(1 + Math.floor(Math.random() * 300));
          if (roll < 0.45) batch.push({ id, debitAccountId: dr, creditAccountId: cr, amount, ledger: 840, code: 'move' });
          else if (roll < 0.65) {
            batch.push({ id, debitAccountId: dr, creditAccountId: cr, amount, ledger: 840, code: 'hold', flags: ['pending'], timeout: 1 + Math.floor(Math.random() * 3) });
            holds.push(id);
          } else if (roll < 0.85 && holds.length > 0) {
            const pendingId = holds.splice(Math.floor(Math.random() * holds.length), 1)[0]!;
            batch.push(Math.random() < 0.6
              ? { id, pendingId, amount: BigInt(Math.floor(Math.random() * 150)), flags: ['post_pending_transfer'] }
              : { id, pendingId, flags: ['void_pending_transfer'] });
          } else {
            // A linked pair: a movement and its fee, all or nothing.
            batch.push({ id, debitAccountId: dr, creditAccountId: cr, amount, ledger: 840, code: 'move', flags: ['linked'] });
            batch.push({ id: `${id}f`, debitAccountId: dr, creditAccountId: `${p}S` === dr ? cr : `${p}S`, amount: 2n, ledger: 840, code: 'fee' });
          }
        }
        const results = Math.random() < 0.5
          ? await createTransfersTx(db, batch, { now: new Date(clock) })
          : await db.transaction((tx) => createTransfers(tx, batch, { now: new Date(clock) }));
        for (const r of results) seen[r.result] = (seen[r.result] ?? 0) + 1;
        if (Math.random() < 0.05) await db.transaction((tx) => expirePendingTransfers(tx, { now: new Date(clock), limit: 50 }));
      }
    };
    await Promise.all(Array.from({ length: 8 }, (_, c) => client(c)));
    expect(seen.ok ?? 0).toBeGreaterThan(500);
    expect(Object.keys(seen).sort()).toEqual(expect.arrayContaining(['ok', 'exceeds_credits']));
    const allowed = new Set(['ok', 'exceeds_credits', 'linked_event_failed', 'pending_transfer_not_found', 'pending_transfer_expired', 'exceeds_pending_transfer_amount', 'pending_transfer_already_voided']);
    expect(Object.keys(seen).filter((k) => !allowed.has(k))).toEqual([]);
    expect(await netPosted(db, ids)).toBe(before);
    const counters = Object.values(await countersOf(db, ids));
    expect(counters.reduce((s, c) => s + c[0], 0n)).toBe(counters.reduce((s, c) => s + c[2], 0n));
    const report = await verifyLedger(db);
    expect(report.violations).toEqual([]);
  }, 60_000);

  it('opposing transfers never deadlock (no retries allowed)', async () => {
    const db = tdb.db;
    const p = uniquePrefix('opp');
    await fundedAccounts(db, p, ['A', 'B'], 1_000_000n, ['U', 'V']);
    const [A, B, U, V] = ['A', 'B', 'U', 'V'].map((n) => `${p}${n}`) as [string, string, string, string];
    const t = (id: string, dr: string, cr: string): TransferInput => ({ id, debitAccountId: dr, creditAccountId: cr, amount: 1n, ledger: 840, code: 'move' });
    let n = 0;
    for (let round = 0; round < 150; round++) {
      const id = () => `${p}o${n++}`;
      // attempts: 1, so a deadlock (40P01) would reach this test instead of being retried away.
      const once = (batch: TransferInput[]) => db.transaction((tx) => createTransfers(tx, batch, { now: NOW }), { attempts: 1 });
      const results = await Promise.all([
        once([t(id(), A, B)]), once([t(id(), B, A)]),
        once([t(id(), A, B), t(id(), B, A)]), once([t(id(), B, A), t(id(), A, B)]),
        once([t(id(), U, V), t(id(), A, U)]), once([t(id(), V, U), t(id(), V, B)]),
        once([t(id(), B, V), t(id(), U, A)]), once([t(id(), A, V), t(id(), U, B), t(id(), V, A)]),
      ]);
      expect(results.flat().every((r) => r.result === 'ok')).toBe(true);
    }
    expect((await verifyLedger(db)).violations).toEqual([]);
  }, 60_000);

  it('races the locks do not cover still write once: same id, same pending, concurrent expiry runs', async () => {
    const db = tdb.db;
    for (let round = 0; round < 20; round++) {
      const p = uniquePrefix('once');
      // Only unlimited accounts: nothing is locked before the writes, so the primary
      // key and the unique pending_id index (and the retry they trigger) must decide.
      await fundedAccounts(db, p, [], 0n, ['U', 'V']);
      const [U, V] = [`${p}U`, `${p}V`];
      const same = await Promise.all(Array.from({ length: 8 }, () =>
        createTransfersTx(db, [{ id: `${p}t`, debitAccountId: U, creditAccountId: V, amount: 5n, ledger: 840, code: 'move' }], { now: NOW })));
      expect(tally(same.map((r) => r[0]!.result))).toEqual({ ok: 1, exists: 7 });
      expect((await countersOf(db, [U]))[U]).toEqual([0n, 5n, 0n, 0n]);

      const hold = await createTransfersTx(db, [{ id: `${p}h`, debitAccountId: U, creditAccountId: V, amount: 9n, ledger: 840, code: 'hold', flags: ['pending'], timeout: 1 }], { now: NOW });
      expect(hold[0]!.result).toBe('ok');
      const posts = await Promise.all(Array.from({ length: 8 }, (_, i) =>
        createTransfersTx(db, [{ id: `${p}p${i}`, pendingId: `${p}h`, flags: [i % 2 ? 'post_pending_transfer' : 'void_pending_transfer'] }], { now: NOW })));
      const codes = posts.map((r) => r[0]!.result);
      expect(codes.filter((c) => c === 'ok')).toHaveLength(1);
      expect(codes.filter((c) => c !== 'ok').every((c) => c === 'pending_transfer_already_posted' || c === 'pending_transfer_already_voided')).toBe(true);

      await createTransfersTx(db, Array.from({ length: 20 }, (_, i) => ({
        id: `${p}e${i}`, debitAccountId: U, creditAccountId: V, amount: 1n, ledger: 840, code: 'hold', flags: ['pending' as const], timeout: 1,
      })), { now: NOW });
      const later = new Date(NOW.getTime() + 1_000);
      const runs = await Promise.all(Array.from({ length: 4 }, () => db.transaction((tx) => expirePendingTransfers(tx, { now: later, limit: 10 }))));
      const expired = runs.flatMap((r) => r.ids).filter((id) => id.startsWith(`${p}e`));
      expect(new Set(expired).size).toBe(expired.length);
      const c = (await countersOf(db, [U]))[U]!;
      expect(c[0]).toBe(BigInt(20 - expired.length));
    }
    expect((await verifyLedger(db)).violations).toEqual([]);
  }, 60_000);
});
