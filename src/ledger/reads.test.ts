import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../test/harness.ts';
import { DomainError } from '../lib/errors.ts';
import {
  balance, balanceOf, closeAccounts, createAccounts, createTransfersTx, expirePendingTransfers, getAccountTransfers,
  listLedgers, lookupAccounts, lookupTransfers, normalSide, verifyLedger, type Account, type AccountTransfer, type TransferInput,
} from './index.ts';
import { counters4, uniquePrefix } from './testing/fixtures.ts';

const T0 = new Date('2026-04-01T00:00:00Z');
const at = (s: number) => new Date(T0.getTime() + s * 1000);

let tdb: TestDb;
beforeAll(async () => {
  tdb = await createTestDb();
});
afterAll(async () => tdb?.close());

async function world(p: string): Promise<void> {
  const results = await tdb.db.transaction((tx) => createAccounts(tx, [
    { id: `${p}X`, ledger: 840, code: 'external_funding' },
    { id: `${p}A`, ledger: 840, code: 'card_available', flags: ['debits_must_not_exceed_credits'], ownerMerchantId: 'mch_1', ownerId: 'card_1' },
    { id: `${p}S`, ledger: 840, code: 'network_settlement' },
  ], { now: T0 }));
  expect(results.map((r) => r.result)).toEqual(['ok', 'ok', 'ok']);
}

const mv = (id: string, dr: string, cr: string, amount: bigint, more: Partial<TransferInput> = {}): TransferInput =>
  ({ id, debitAccountId: dr, creditAccountId: cr, amount, ledger: 840, code: 'move', ...more });

async function apply(batch: TransferInput[], now: Date): Promise<void> {
  const results = await createTransfersTx(tdb.db, batch, { now });
  expect(results.map((r) => r.result)).toEqual(batch.map(() => 'ok'));
}

describe('lookups', () => {
  it('returns what exists, in the order asked, once', async () => {
    const p = uniquePrefix('l');
    await world(p);
    const accounts = await lookupAccounts(tdb.db, [`${p}S`, `${p}missing`, `${p}A`, `${p}S`]);
    expect(accounts.map((a) => a.id)).toEqual([`${p}S`, `${p}A`]);
    expect(accounts[1]).toMatchObject({
      ledger: 840, code: 'card_available', flags: ['debits_must_not_exceed_credits'], ownerMerchantId: 'mch_1', ownerId: 'card_1', createdAt: T0,
    });
    await apply([mv(`${p}t1`, `${p}X`, `${p}A`, 5n), mv(`${p}t2`, `${p}X`, `${p}A`, 6n)], T0);
    expect((await lookupTransfers(tdb.db, [`${p}t2`, `${p}nope`, `${p}t1`])).map((t) => t.amount)).toEqual([6n, 5n]);
    expect(await lookupAccounts(tdb.db, [])).toEqual([]);
  });

  it('lists the ledgers with their scale', async () => {
    const ledgers = await listLedgers(tdb.db);
    expect(ledgers).toContainEqual({ ledger: 840, currency: 'USD', scale: 2 });
    expect(ledgers).toContainEqual({ ledger: 392, currency: 'JPY', scale: 0 });
    expect(ledgers).toContainEqual({ ledger: 48, currency: 'BHD', scale: 3 });
  });
});

describe('balance helpers', () => {
  const acct = (code: Account['code'], flags: Account['flags'], c: [number, number, number, number]): Account => ({
    id: 'x', ledger: 840, code, flags, ownerMerchantId: null, ownerId: null, createdAt: T0,
    debitsPending: BigInt(c[0]), debitsPosted: BigInt(c[1]), creditsPending: BigInt(c[2]), creditsPosted: BigInt(c[3]),
  });
  it.each([
    ['debit-limited wallet', acct('merchant_wallet', ['debits_must_not_exceed_credits'], [30, 20, 7, 100]), 'credit', 80n, 50n, 30n, 7n],
    ['credit-limited account', acct('fx', ['credits_must_not_exceed_debits'], [7, 100, 30, 20]), 'debit', 80n, 50n, 30n, 7n],
    ['external funding', acct('external_funding', [], [0, 500, 0, 20]), 'debit', 480n, 480n, 0n, 0n],
    ['settlement', acct('network_settlement', [], [0, 10, 40, 100]), 'credit', 90n, 90n, 0n, 40n],
  ] as const)('%s', (_name, a, side, posted, available, held, incoming) => {
    expect(normalSide(a)).toBe(side);
    expect(balance(a)).toEqual({ side, posted, available, held, incoming });
  });
});

describe('getAccountTransfers', () => {
  it('pages an account history with the running balance of each row', async () => {
    const p = uniquePrefix('h');
    await world(p);
    const [X, A, S] = [`${p}X`, `${p}A`, `${p}S`];
    await apply([mv(`${p}d1`, X, A, 100n, { code: 'deposit' })], at(0));
    await apply([mv(`${p}h1`, A, S, 30n, { code: 'auth', flags: ['pending'] })], at(1));
    await apply([{ id: `${p}c1`, pendingId: `${p}h1`, amount: 20n, flags: ['post_pending_transfer'], code: 'clearing' }], at(2));
    await apply([mv(`${p}h2`, A, S, 10n, { code: 'auth', flags: ['pending'] }), { id: `${p}v2`, pendingId: `${p}h2`, flags: ['void_pending_transfer'] }], at(3));
    await apply([mv(`${p}r1`, S, A, 5n, { code: 'refund' }), mv(`${p}o1`, X, S, 1n)], at(4));

    const all = await getAccountTransfers(tdb.db, A, {}, { limit: 100 });
    expect(all.hasMore).toBe(false);
    const show = (rows: AccountTransfer[]) => rows.map((r) => [r.transfer.id.slice(p.length), r.side, balanceOf(r.balance, 'credit').available]);
    expect(show(all.data)).toEqual([
      ['r1', 'credit', 85n], ['v2', 'debit', 80n], ['h2', 'debit', 70n], ['c1', 'debit', 80n], ['h1', 'debit', 70n], ['d1', 'credit', 100n],
    ]);
    const [current] = await lookupAccounts(tdb.db, [A]);
    expect(all.data[0]!.balance).toEqual({
      debitsPending: current!.debitsPending, debitsPosted: current!.debitsPosted, creditsPending: current!.creditsPending, creditsPosted: current!.creditsPosted,
    });

    // Paging with a cursor walks the same rows, in both directions.
    for (const order of ['desc', 'asc'] as const) {
      const seen: string[] = [];
      let cursor: string | null = null;
      for (;;) {
        const page = await getAccountTransfers(tdb.db, A, {}, { limit: 2, startingAfter: cursor, order });
        seen.push(...page.data.map((r) => r.transfer.id));
        if (!page.hasMore) break;
        cursor = page.data.at(-1)!.transfer.id;
      }
      const expected = all.data.map((r) => r.transfer.id);
      expect(seen).toEqual(order === 'desc' ? expected : [...expected].reverse());
    }

    expect(show((await getAccountTransfers(tdb.db, A, { debits: false }, { limit: 10 })).data).map((r) => r[0])).toEqual(['r1', 'd1']);
    expect(show((await getAccountTransfers(tdb.db, A, { credits: false }, { limit: 10 })).data).map((r) => r[0])).toEqual(['v2', 'h2', 'c1', 'h1']);
    // A void without a code takes its pending transfer's.
    expect(show((await getAccountTransfers(tdb.db, A, { code: 'auth' }, { limit: 10 })).data).map((r) => r[0])).toEqual(['v2', 'h2', 'h1']);
    expect(show((await getAccountTransfers(tdb.db, A, { timestampMin: at(2), timestampMax: at(3) }, { limit: 10 })).data).map((r) => r[0]))
      .toEqual(['v2', 'h2', 'c1']);
    // The settlement account's history is its own (its counters were deltas until locked at the end of each batch).
    expect((await getAccountTransfers(tdb.db, S, {}, { limit: 10 })).data.map((r) => [r.transfer.id.slice(p.length), balanceOf(r.balance, 'credit').posted]))
      .toEqual([['o1', 16n], ['r1', 15n], ['v2', 20n], ['h2', 20n], ['c1', 20n], ['h1', 0n]]);
    await expect(getAccountTransfers(tdb.db, A, {}, { limit: 2, startingAfter: `${p}nope` })).rejects.toBeInstanceOf(DomainError);
    expect((await verifyLedger(tdb.db)).violations).toEqual([]);
  });
});

describe('expirePendingTransfers', () => {
  it('voids holds whose timeout has passed, oldest first, in batches, once', async () => {
    const p = uniquePrefix('e');
    await world(p);
    const [X, A, S] = [`${p}X`, `${p}A`, `${p}S`];
    await apply([mv(`${p}d`, X, A, 100n)], T0);
    await apply([
      mv(`${p}h10`, A, S, 10n, { flags: ['pending'], timeout: 10 }),
      mv(`${p}h5`, A, S, 5n, { flags: ['pending'], timeout: 5 }),
      mv(`${p}h20`, A, S, 20n, { flags: ['pending'], timeout: 20 }),
      mv(`${p}hN`, A, S, 1n, { flags: ['pending'] }),
      mv(`${p}hP`, A, S, 2n, { flags: ['pending'], timeout: 5 }),
    ], T0);
    await apply([{ id: `${p}post`, pendingId: `${p}hP`, flags: ['post_pending_transfer'] }], at(1));
    const expire = (s: number, limit?: number) => tdb.db.transaction((tx) => expirePendingTransfers(tx, { now: at(s), limit }));
    const strip = (r: { count: number; ids: string[] }) => ({ count: r.count, ids: r.ids.map((id) => id.slice(p.length)) });

    expect(strip(await expire(4))).toEqual({ count: 0, ids: [] });
    expect(strip(await expire(5))).toEqual({ count: 1, ids: ['h5'] });
    expect(strip(await expire(5))).toEqual({ count: 0, ids: [] });
    expect(strip(await expire(30, 1))).toEqual({ count: 1, ids: ['h10'] });
    expect(strip(await expire(30, 1))).toEqual({ count: 1, ids: ['h20'] });
    expect(strip(await expire(1e9))).toEqual({ count: 0, ids: [] });

    const [a] = await lookupAccounts(tdb.db, [A]);
    expect(counters4(a!)).toEqual([1n, 2n, 0n, 100n]);
    const [row] = await lookupTransfers(tdb.db, [`${p}h5~expired`]);
    expect(row).toMatchObject({ pendingId: `${p}h5`, amount: 5n, flags: ['void_pending_transfer'], expiry: true, timestamp: at(5) });
    const history = await getAccountTransfers(tdb.db, A, {}, { limit: 1 });
    expect(history.data[0]!.transfer.id).toBe(`${p}h20~expired`);
    expect(balance(a!).available).toBe(97n);
    expect((await createTransfersTx(tdb.db, [{ id: `${p}late`, pendingId: `${p}h10`, flags: ['post_pending_transfer'] }], { now: at(31) }))[0]!.result)
      .toBe('pending_transfer_expired');
    expect((await verifyLedger(tdb.db)).violations).toEqual([]);
  });

  it('expires holds on closed accounts too', async () => {
    const p = uniquePrefix('e');
    await world(p);
    await apply([mv(`${p}d`, `${p}X`, `${p}A`, 100n), mv(`${p}h`, `${p}A`, `${p}S`, 40n, { flags: ['pending'], timeout: 60 })], T0);
    await tdb.db.transaction((tx) => closeAccounts(tx, [`${p}A`, `${p}S`]));
    const r = await tdb.db.transaction((tx) => expirePendingTransfers(tx, { now: at(60) }));
    expect(r.ids).toContain(`${p}h`);
    const [a] = await lookupAccounts(tdb.db, [`${p}A`]);
    expect(counters4(a!)).toEqual([0n, 0n, 0n, 100n]);
    expect(a!.flags).toEqual(['debits_must_not_exceed_credits', 'closed']);
    expect((await tdb.db.transaction((tx) => closeAccounts(tx, [`${p}A`, `${p}nope`]))).map((x) => x.result)).toEqual(['ok', 'account_not_found']);
  });
});
