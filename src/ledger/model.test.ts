import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../test/harness.ts';
import {
  closeAccounts, createAccounts, createTransfersTx, expirePendingTransfers, lookupTransfers, verifyLedger,
  type AccountFlag, type TransferFlag, type TransferInput,
} from './index.ts';
import { LedgerModel } from './testing/model.ts';
import { countersOf, uniquePrefix } from './testing/fixtures.ts';

/**
 * Model-based test: random sequences of batches (single, pending, post, void,
 * linked chains, resubmissions, invalid items), expiry runs and account
 * closures go through the ledger and through the reference model; after every
 * step both give the same results and counters, and verifyLedger() is clean.
 */

const NUM_RUNS = 1_000;
const T0 = Date.parse('2026-05-01T00:00:00Z');

// name → [ledger, flags]; 'M' is never created (a missing account).
const ACCOUNTS: Record<string, [number, AccountFlag[]]> = {
  X: [840, []],
  S: [840, []],
  A: [840, ['debits_must_not_exceed_credits']],
  B: [840, ['debits_must_not_exceed_credits']],
  C: [840, ['credits_must_not_exceed_debits']],
  E: [978, ['debits_must_not_exceed_credits']],
  Z: [840, ['debits_must_not_exceed_credits', 'closed']],
};
const NAMES = [...Object.keys(ACCOUNTS), 'M'];
// Pick valid, interacting accounts most of the time (C, the credit-limited one, often).
const accountArb = fc.constantFrom(0, 0, 1, 1, 2, 2, 2, 3, 3, 4, 4, 4, 5, 6, 7);

interface Op {
  kind: 'single' | 'pending' | 'post' | 'void' | 'dup' | 'invalid';
  dr: number;
  cr: number;
  amount: bigint;
  amountMode: 'omit' | 'given' | 'exact' | 'over';
  timeout: number;
  ref: number;
  linked: boolean;
  ledger: number;
  alter: boolean;
  userData: string | null;
}

const opArb: fc.Arbitrary<Op> = fc.record({
  kind: fc.constantFrom('single', 'single', 'pending', 'pending', 'post', 'post', 'void', 'dup', 'invalid') as fc.Arbitrary<Op['kind']>,
  dr: accountArb,
  cr: accountArb,
  amount: fc.oneof({ weight: 8, arbitrary: fc.bigInt(1n, 90n) }, { weight: 1, arbitrary: fc.constantFrom(0n, -1n) }),
  amountMode: fc.constantFrom('omit', 'omit', 'given', 'exact', 'over') as fc.Arbitrary<Op['amountMode']>,
  timeout: fc.constantFrom(0, 0, 1, 3, 10),
  ref: fc.nat(1_000),
  linked: fc.nat(3).map((x) => x === 0),
  ledger: fc.constantFrom(840, 840, 840, 840, 978),
  alter: fc.boolean(),
  userData: fc.option(fc.constantFrom('auth_1', 'txn_2'), { nil: null }),
});

type Step =
  | { type: 'batch'; ops: Op[]; advance: number }
  | { type: 'expire'; advance: number }
  | { type: 'close'; account: number; advance: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ type: fc.constant('batch' as const), ops: fc.array(opArb, { minLength: 1, maxLength: 8 }), advance: fc.nat(6) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('expire' as const), advance: fc.nat(12) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('close' as const), account: fc.nat(NAMES.length - 2), advance: fc.constant(0) }) },
);
const sequenceArb = fc.array(stepArb, { minLength: 1, maxLength: 6 });

let tdb: TestDb;
beforeAll(async () => {
  tdb = await createTestDb();
});
afterAll(async () => tdb?.close());

/** Turn an abstract op into a concrete transfer, given the ids submitted so far. */
function concretize(op: Op, p: string, fresh: () => string, known: Map<string, TransferInput>): TransferInput {
  const acct = (i: number) => `${p}${NAMES[i]}`;
  const knownIds = [...known.keys()];
  const pendingIds = knownIds.filter((id) => known.get(id)!.flags?.includes('pending'));
  // Mostly a pending transfer, sometimes anything (not pending, invalid, missing).
  const pick = () => {
    const from = pendingIds.length > 0 && op.ref % 5 !== 0 ? pendingIds : knownIds;
    return from.length > 0 ? from[op.ref % from.length]! : `${p}nothing`;
  };
  const flags: TransferFlag[] = op.linked ? ['linked'] : [];
  const base = { id: fresh(), ledger: op.ledger, code: 'test', userData: op.userData };
  const invalid: TransferInput[] = [
    { ...base, debitAccountId: acct(op.dr), creditAccountId: acct(op.dr), amount: op.amount, flags },
    { ...base, debitAccountId: acct(op.dr), creditAccountId: acct(op.cr), amount: op.amount, flags, timeout: 5 },
    { ...base, id: 'bad id', debitAccountId: acct(op.dr), creditAccountId: acct(op.cr), amount: op.amount, flags },
    { ...base, debitAccountId: acct(op.dr), creditAccountId: acct(op.cr), amount: op.amount, flags: [...flags, 'pending', 'void_pending_transfer'] },
  ];
  switch (op.kind) {
    case 'single':
      return { ...base, debitAccountId: acct(op.dr), creditAccountId: acct(op.cr), amount: op.amount, flags };
    case 'pending':
      return { ...base, debitAccountId: acct(op.dr), creditAccountId: acct(op.cr), amount: op.amount, flags: [...flags, 'pending'], timeout: op.timeout };
    case 'post':
    case 'void': {
      const pendingId = pick();
      const pendingAmount = known.get(pendingId)?.amount ?? 1n;
      const amounts: Record<Op['amountMode'], bigint | undefined> = {
        omit: undefined, given: op.amount < 0n ? 0n : op.amount, exact: pendingAmount, over: pendingAmount + 1n,
      };
      const amount = amounts[op.amountMode];
      return {
        id: base.id, pendingId, amount, userData: op.userData,
        flags: [...flags, op.kind === 'post' ? 'post_pending_transfer' : 'void_pending_transfer'],
        ...(op.alter ? { ledger: op.ledger } : {}),
      };
    }
    case 'dup': {
      const original = known.get(pick());
      if (!original) return { ...base, debitAccountId: acct(op.dr), creditAccountId: acct(op.cr), amount: op.amount, flags };
      if (!op.alter) return { ...original };
      return op.ref % 2 === 0 ? { ...original, amount: (original.amount ?? 0n) + 1n } : { ...original, userData: original.userData ? null : 'other' };
    }
    case 'invalid':
      return invalid[op.ref % invalid.length]!;
  }
}

async function runSequence(steps: Step[]): Promise<void> {
  const db = tdb.db;
  // Each sequence starts from an empty ledger, so that verifyLedger() stays cheap.
  await db.query('TRUNCATE ledger_transfers, ledger_pending_expiry; DELETE FROM ledger_accounts');
  const p = uniquePrefix('s');
  const model = new LedgerModel();
  const names = Object.keys(ACCOUNTS);
  await db.transaction((tx) => createAccounts(tx, names.map((n) => {
    const [ledger, flags] = ACCOUNTS[n]!;
    model.addAccount(`${p}${n}`, ledger, [...flags]);
    return { id: `${p}${n}`, ledger, code: 'card_available' as const, flags };
  })));
  let now = T0;
  let counter = 0;
  const fresh = () => `${p}t${counter++}`;
  const known = new Map<string, TransferInput>();

  const funding: TransferInput[] = [
    { id: fresh(), debitAccountId: `${p}X`, creditAccountId: `${p}A`, amount: 100n, ledger: 840, code: 'deposit' },
    { id: fresh(), debitAccountId: `${p}X`, creditAccountId: `${p}B`, amount: 50n, ledger: 840, code: 'deposit' },
    { id: fresh(), debitAccountId: `${p}C`, creditAccountId: `${p}S`, amount: 150n, ledger: 840, code: 'deposit' },
  ];
  const batches: TransferInput[][] = [funding];
  const log: string[] = [];
  for (const [i, step] of [{ type: 'funding' as const, advance: 0 }, ...steps].entries()) {
    now += step.advance * 1000;
    if (step.type === 'funding' || step.type === 'batch') {
      let batch: TransferInput[];
      if (step.type === 'funding') batch = funding;
      else {
        batch = [];
        for (const op of step.ops) {
          const t = concretize(op, p, fresh, known);
          batch.push(t);
          if (!known.has(t.id)) known.set(t.id, t);
        }
        batches.push(batch);
      }
      const expected = model.apply(batch, now);
      const got = (await createTransfersTx(db, batch, { now: new Date(now) })).map((r) => r.result);
      log.push(`step ${i} at +${(now - T0) / 1000}s: ${JSON.stringify(batch, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))}`);
      expect(got, log.join('\n')).toEqual(expected);
    } else if (step.type === 'expire') {
      const expected = model.expire(now).sort();
      const got = await db.transaction((tx) => expirePendingTransfers(tx, { now: new Date(now) }));
      log.push(`step ${i} at +${(now - T0) / 1000}s: expire`);
      expect(got.ids.sort(), log.join('\n')).toEqual(expected);
    } else {
      const id = `${p}${NAMES[step.account]}`;
      model.close(id);
      await db.transaction((tx) => closeAccounts(tx, [id]));
      log.push(`step ${i}: close ${id}`);
    }
    if (step.type === 'funding') continue; // fixed and checked by the steps after it
    const ids = names.map((n) => `${p}${n}`);
    const counters = await countersOf(db, ids);
    const modelCounters = Object.fromEntries(ids.map((id) => {
      const a = model.account(id)!;
      return [id, [a.dp, a.dpo, a.cp, a.cpo]];
    }));
    expect(counters, log.join('\n')).toEqual(modelCounters);
    // One connection, nothing concurrent: verify outside a transaction (saves BEGIN/COMMIT per step).
    const report = await verifyLedger({ query: (sql, params) => db.query(sql, params) });
    expect(report.violations, log.join('\n')).toEqual([]);
  }

  // Every transfer the model holds is stored with the same fields, and nothing else is.
  const modelIds = model.transferIds();
  const stored = await lookupTransfers(db, modelIds);
  expect(stored.length).toBe(modelIds.length);
  for (const s of stored) {
    const m = model.transfer(s.id)!;
    expect([s.debitAccountId, s.creditAccountId, s.amount, s.pendingId, s.ledger], s.id).toEqual([m.dr, m.cr, m.amount, m.pendingId, m.ledger]);
  }
  const { rows } = await db.query<{ n: bigint }>('SELECT count(*) AS n FROM ledger_transfers');
  expect(Number(rows[0]!.n)).toBe(modelIds.length);
}

describe('ledger vs reference model', () => {
  // ~20 s on an idle 2-core machine; the timeout leaves room for a loaded one.
  it(`agrees on ${NUM_RUNS} random sequences`, async () => {
    await fc.assert(fc.asyncProperty(sequenceArb, runSequence), { numRuns: NUM_RUNS });
  }, 300_000);
});
