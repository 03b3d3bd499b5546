import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, onPostgres, type TestDb } from '../../test/harness.ts';
import type { Tx } from '../db/index.ts';
import { createAccounts, createTransfersTx, verifyLedger, type TransferInput, type ViolationKind } from './index.ts';
import { uniquePrefix } from './testing/fixtures.ts';

/**
 * verifyLedger must catch every kind of corruption. Each case corrupts the
 * ledger inside a transaction (dropping the constraint or trigger that would
 * otherwise refuse it), checks the report there, and rolls back.
 */

const T0 = new Date('2026-08-01T00:00:00Z');
let tdb: TestDb;
let p: string;

const COLUMNS = `id, debit_account_id, credit_account_id, amount, pending_id, ledger, code, kind, linked, timeout, expires_at, user_data,
  created_at, dr_debits_pending, dr_debits_posted, dr_credits_pending, dr_credits_posted,
  cr_debits_pending, cr_debits_posted, cr_credits_pending, cr_credits_posted`;
/** Insert a copy of transfer `from` with some columns replaced (SQL expressions over the original row). */
const copyTransfer = (tx: Tx, from: string, set: Record<string, string>) => {
  const cols = COLUMNS.split(',').map((c) => c.trim());
  return tx.query(`INSERT INTO ledger_transfers (${cols.join(', ')}) SELECT ${cols.map((c) => set[c] ?? c).join(', ')} FROM ledger_transfers WHERE id = $1`, [from]);
};

beforeAll(async () => {
  tdb = await createTestDb();
  p = uniquePrefix('v');
  await tdb.db.transaction((tx) => createAccounts(tx, [
    { id: `${p}X`, ledger: 840, code: 'external_funding' },
    { id: `${p}A`, ledger: 840, code: 'card_available', flags: ['debits_must_not_exceed_credits'] },
    { id: `${p}S`, ledger: 840, code: 'network_settlement' },
    { id: `${p}E`, ledger: 978, code: 'merchant_wallet', flags: ['debits_must_not_exceed_credits'] },
  ]));
  const mv = (id: string, dr: string, cr: string, amount: bigint, more: Partial<TransferInput> = {}): TransferInput =>
    ({ id: `${p}${id}`, debitAccountId: `${p}${dr}`, creditAccountId: `${p}${cr}`, amount, ledger: 840, code: 'move', ...more });
  const results = await createTransfersTx(tdb.db, [
    mv('d', 'X', 'A', 100n),
    mv('h', 'A', 'S', 30n, { flags: ['pending'], timeout: 600 }),
    mv('h2', 'A', 'S', 10n, { flags: ['pending'] }),
    { id: `${p}post`, pendingId: `${p}h2`, amount: 4n, flags: ['post_pending_transfer'] },
  ], { now: T0 });
  expect(results.map((r) => r.result)).toEqual(['ok', 'ok', 'ok', 'ok']);
});
afterAll(async () => tdb?.close());

class Rollback extends Error {}

/** Run fn in a transaction that is always rolled back. */
async function inRollback(fn: (tx: Tx) => Promise<void>): Promise<void> {
  await expect(tdb.db.transaction(async (tx) => {
    await fn(tx);
    throw new Rollback();
  })).rejects.toBeInstanceOf(Rollback);
}

const CORRUPTIONS: [ViolationKind, (tx: Tx) => Promise<unknown>][] = [
  ['ledger_posted_unbalanced', (tx) => tx.query(`UPDATE ledger_accounts SET credits_posted = credits_posted + 5 WHERE id = $1`, [`${p}S`])],
  ['ledger_pending_unbalanced', (tx) => tx.query(`UPDATE ledger_accounts SET credits_pending = credits_pending + 1 WHERE id = $1`, [`${p}S`])],
  ['account_counters_mismatch', (tx) => tx.query(
    `UPDATE ledger_accounts SET debits_posted = debits_posted + 7, credits_posted = credits_posted + 7 WHERE id = $1`, [`${p}X`])],
  ['account_limit_exceeded', async (tx) => {
    await tx.query('ALTER TABLE ledger_accounts DROP CONSTRAINT ledger_accounts_debits_limit');
    await tx.query(`UPDATE ledger_accounts SET debits_posted = 1000 WHERE id = $1`, [`${p}A`]);
  }],
  ['transfer_accounts_invalid', (tx) => copyTransfer(tx, `${p}d`, { id: `'${p}ghost'`, credit_account_id: `'${p}nobody'` })],
  ['transfer_accounts_invalid', (tx) => copyTransfer(tx, `${p}d`, { id: `'${p}eur'`, credit_account_id: `'${p}E'` })],
  ['pending_resolved_twice', async (tx) => {
    await tx.query('DROP INDEX ledger_transfers_resolves');
    await copyTransfer(tx, `${p}post`, { id: `'${p}post2'` });
  }],
  ['resolution_invalid', (tx) => copyTransfer(tx, `${p}post`, { id: `'${p}bad'`, pending_id: `'${p}h'`, amount: '31' })],
  ['resolution_invalid', (tx) => copyTransfer(tx, `${p}post`, { id: `'${p}bad'`, pending_id: `'${p}d'` })],
  ['expiry_queue_mismatch', (tx) => tx.query(`DELETE FROM ledger_pending_expiry WHERE transfer_id = $1`, [`${p}h`])],
  ['history_mismatch', async (tx) => {
    await tx.query('ALTER TABLE ledger_transfers DISABLE TRIGGER ledger_transfers_no_update');
    await tx.query(`UPDATE ledger_transfers SET cr_credits_posted = cr_credits_posted + 1 WHERE id = $1`, [`${p}d`]);
  }],
];

describe('verifyLedger', () => {
  it('is clean on a consistent ledger', async () => {
    const report = await verifyLedger(tdb.db);
    expect(report).toMatchObject({ ok: true, violations: [], truncated: false });
    const usd = report.ledgers.find((l) => l.ledger === 840)!;
    expect(usd).toMatchObject({ currency: 'USD', debitsPosted: usd.creditsPosted, debitsPending: usd.creditsPending });
    expect(usd.debitsPosted).toBe(104n);
    expect(usd.debitsPending).toBe(30n);
  });

  it.each(CORRUPTIONS)('detects %s', async (kind, corrupt) => {
    await inRollback(async (tx) => {
      await corrupt(tx);
      const report = await verifyLedger(tx);
      expect(report.ok).toBe(false);
      expect(report.violations.map((v) => v.kind)).toContain(kind);
    });
    expect((await verifyLedger(tdb.db)).ok).toBe(true);
  });

  // PostgreSQL only: on PGlite (0.5, node-postgres adapter) an SQL error can break its one connection.
  it.skipIf(!onPostgres)('is backed by the database itself: limits, immutability, single resolution', async () => {
    await expect(tdb.db.query(`UPDATE ledger_accounts SET debits_posted = 1000 WHERE id = $1`, [`${p}A`])).rejects.toThrow(/ledger_accounts_debits_limit/);
    await expect(tdb.db.query(`UPDATE ledger_transfers SET amount = 1 WHERE id = $1`, [`${p}d`])).rejects.toThrow(/immutable/);
    await expect(tdb.db.query(`DELETE FROM ledger_transfers WHERE id = $1`, [`${p}d`])).rejects.toThrow(/immutable/);
    await expect(tdb.db.transaction((tx) => copyTransfer(tx, `${p}post`, { id: `'${p}again'` }))).rejects.toThrow(/ledger_transfers_resolves/);
  });
});
