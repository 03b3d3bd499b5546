import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../test/harness.ts';
import type { Tx } from '../db/index.ts';
import {
  AMOUNT_MAX, TIMEOUT_SECONDS_MAX, closeAccounts, createAccounts, createTransfers, createTransfersTx, expirePendingTransfers,
  lookupTransfers, type AccountInput, type AccountResultCode, type TransferFlag, type TransferInput, type TransferResultCode,
} from './index.ts';
import { countersOf, uniquePrefix, type Counters4 } from './testing/fixtures.ts';

/**
 * One line per case, in the precedence order of codes.ts. Every case gets its
 * own accounts (ids prefixed per case):
 *   X external funding (no limit)   A wallet, funded with 100 from X   B wallet, empty
 *   C credit-limited, empty         S settlement (no limit)             Z closed wallet
 *   E a wallet on ledger 978 (EUR)
 * `setup` steps (a transfer, a batch, a close, an expiry run) run first and must all succeed; `batch` runs at `at` seconds
 * after the start; `bal` lists expected counters [dp, dpo, cp, cpo] afterwards.
 */
type Step = TransferInput | TransferInput[] | { close: string } | { expireAt: number };
interface Case {
  setup?: Step[];
  batch: TransferInput[];
  at?: number;
  expect: TransferResultCode[];
  bal?: Record<string, Counters4>;
}

const T0 = new Date('2026-03-01T00:00:00Z');
const at = (s: number) => new Date(T0.getTime() + s * 1000);

/** A transfer line: ids are names of the case's accounts/transfers; a name starting with `!` is used raw. */
function t(id: string, dr: string | null, cr: string | null, amount: bigint | undefined, more: Partial<TransferInput> & { f?: TransferFlag[] } = {}): TransferInput {
  const { f, ...rest } = more;
  return { id, debitAccountId: dr, creditAccountId: cr, amount, ledger: 840, code: 'test', flags: f ?? [], ...rest };
}
const post = (id: string, pendingId: string, amount?: bigint, more: Partial<TransferInput> = {}): TransferInput =>
  ({ id, pendingId, amount, flags: ['post_pending_transfer'], ...more });
const voids = (id: string, pendingId: string, amount?: bigint, more: Partial<TransferInput> = {}): TransferInput =>
  ({ id, pendingId, amount, flags: ['void_pending_transfer'], ...more });
const hold = (id: string, dr: string, cr: string, amount: bigint, timeout = 0) => t(id, dr, cr, amount, { f: ['pending'], timeout });

const A0: Counters4 = [0n, 0n, 0n, 100n];
const n = (dp: number, dpo: number, cp: number, cpo: number): Counters4 => [BigInt(dp), BigInt(dpo), BigInt(cp), BigInt(cpo)];

const CASES: [name: string, c: Case][] = [
  ['ok: single-phase', { batch: [t('t', 'A', 'B', 10n)], expect: ['ok'], bal: { A: n(0, 10, 0, 100), B: n(0, 0, 0, 10) } }],
  ['linked_event_chain_open', { batch: [t('t1', 'A', 'B', 10n), t('t2', 'A', 'B', 10n, { f: ['linked'] }), t('t3', 'A', 'B', 10n, { f: ['linked'] })], expect: ['ok', 'linked_event_failed', 'linked_event_chain_open'], bal: { A: n(0, 10, 0, 100) } }],
  ['linked_event_failed (chain undone)', { batch: [t('t1', 'A', 'B', 60n, { f: ['linked'] }), t('t2', 'A', 'B', 60n, { f: ['linked'] }), t('t3', 'A', 'B', 1n)], expect: ['linked_event_failed', 'exceeds_credits', 'linked_event_failed'], bal: { A: A0, B: n(0, 0, 0, 0) } }],
  ['linked_event_failed beats item checks', { batch: [t('t1', 'A', 'B', 1000n, { f: ['linked'] }), t('!', 'A', 'B', 1n)], expect: ['exceeds_credits', 'linked_event_failed'], bal: { A: A0 } }],
  ['id_invalid: empty', { batch: [t('!', 'A', 'B', 10n)], expect: ['id_invalid'], bal: { A: A0 } }],
  ['id_invalid: space', { batch: [t('!bad id', 'A', 'B', 10n)], expect: ['id_invalid'] }],
  ['id_invalid: 65 characters', { batch: [t(`!${'x'.repeat(65)}`, 'A', 'B', 10n)], expect: ['id_invalid'] }],
  ['id_invalid: reserved ~', { batch: [t('!x~expired', 'A', 'B', 10n)], expect: ['id_invalid'] }],
  ['id_invalid beats flags', { batch: [t('!', 'A', 'B', 10n, { f: ['pending', 'void_pending_transfer'] })], expect: ['id_invalid'] }],
  ['flags_are_mutually_exclusive', { batch: [t('t', 'A', 'B', 10n, { f: ['pending', 'post_pending_transfer'], pendingId: 'p' })], expect: ['flags_are_mutually_exclusive'], bal: { A: A0 } }],
  ['flags_are_mutually_exclusive: post+void', { batch: [voids('t', 'p', 0n, { flags: ['post_pending_transfer', 'void_pending_transfer'] })], expect: ['flags_are_mutually_exclusive'] }],
  ['pending_id_must_not_be_set', { batch: [t('t', 'A', 'B', 10n, { pendingId: 'p' })], expect: ['pending_id_must_not_be_set'], bal: { A: A0 } }],
  ['pending_id_must_be_set', { batch: [post('t', null as unknown as string)], expect: ['pending_id_must_be_set'] }],
  ['pending_id_must_be_different', { batch: [post('t', 't')], expect: ['pending_id_must_be_different'] }],
  ['timeout_reserved_for_pending_transfer', { batch: [t('t', 'A', 'B', 10n, { timeout: 5 })], expect: ['timeout_reserved_for_pending_transfer'], bal: { A: A0 } }],
  ['timeout_invalid: too large', { batch: [hold('t', 'A', 'B', 10n, TIMEOUT_SECONDS_MAX + 1)], expect: ['timeout_invalid'], bal: { A: A0 } }],
  ['timeout_invalid: negative', { batch: [hold('t', 'A', 'B', 10n, -1)], expect: ['timeout_invalid'] }],
  ['amount_must_be_positive: zero', { batch: [t('t', 'A', 'B', 0n)], expect: ['amount_must_be_positive'], bal: { A: A0 } }],
  ['amount_must_be_positive: missing', { batch: [t('t', 'A', 'B', undefined)], expect: ['amount_must_be_positive'] }],
  ['amount_must_be_positive: negative post', { setup: [hold('p', 'A', 'B', 10n)], batch: [post('t', 'p', -1n)], expect: ['amount_must_be_positive'], bal: { A: n(10, 0, 0, 100) } }],
  ['amount_too_large', { batch: [t('t', 'X', 'S', AMOUNT_MAX + 1n)], expect: ['amount_too_large'] }],
  ['ok: amount exactly AMOUNT_MAX', { batch: [t('t', 'X', 'S', AMOUNT_MAX)], expect: ['ok'], bal: { S: [0n, 0n, 0n, AMOUNT_MAX] } }],
  ['accounts_must_be_different', { batch: [t('t', 'A', 'A', 10n)], expect: ['accounts_must_be_different'], bal: { A: A0 } }],
  ['code_invalid: format', { batch: [t('t', 'A', 'B', 10n, { code: 'Bad-Code' })], expect: ['code_invalid'], bal: { A: A0 } }],
  ['code_invalid: missing', { batch: [t('t', 'A', 'B', 10n, { code: null })], expect: ['code_invalid'] }],
  ['user_data_too_long', { batch: [t('t', 'A', 'B', 10n, { userData: 'u'.repeat(129) })], expect: ['user_data_too_long'], bal: { A: A0 } }],
  ['exists', { setup: [t('t', 'A', 'B', 10n, { userData: 'auth_1' })], batch: [t('t', 'A', 'B', 10n, { userData: 'auth_1' })], expect: ['exists'], bal: { A: n(0, 10, 0, 100) } }],
  ['exists beats exceeds_credits', { setup: [t('t', 'A', 'B', 100n)], batch: [t('t', 'A', 'B', 100n)], expect: ['exists'], bal: { A: n(0, 100, 0, 100) } }],
  ['exists beats account_closed', { setup: [t('t', 'A', 'B', 10n), { close: 'B' }], batch: [t('t', 'A', 'B', 10n)], expect: ['exists'], bal: { A: n(0, 10, 0, 100) } }],
  ['exists: post resubmitted with omitted amount', { setup: [hold('p', 'A', 'B', 10n), post('q', 'p')], batch: [post('q', 'p', 10n)], expect: ['exists'], bal: { A: n(0, 10, 0, 100) } }],
  ['exists: in the same batch', { batch: [t('t', 'A', 'B', 10n), t('t', 'A', 'B', 10n)], expect: ['ok', 'exists'], bal: { A: n(0, 10, 0, 100) } }],
  ['exists_with_different_fields: amount', { setup: [t('t', 'A', 'B', 10n)], batch: [t('t', 'A', 'B', 11n)], expect: ['exists_with_different_fields'], bal: { A: n(0, 10, 0, 100) } }],
  ['exists_with_different_fields: user data', { setup: [t('t', 'A', 'B', 10n)], batch: [t('t', 'A', 'B', 10n, { userData: 'x' })], expect: ['exists_with_different_fields'] }],
  ['exists_with_different_fields: flags', { setup: [t('t', 'A', 'B', 10n)], batch: [hold('t', 'A', 'B', 10n)], expect: ['exists_with_different_fields'], bal: { A: n(0, 10, 0, 100) } }],
  ['exists_with_different_fields: partial post vs full', { setup: [hold('p', 'A', 'B', 10n), post('q', 'p', 4n)], batch: [post('q', 'p')], expect: ['exists_with_different_fields'], bal: { A: n(0, 4, 0, 100) } }],
  ['exists_with_different_fields: same batch', { batch: [t('t', 'A', 'B', 10n), t('t', 'A', 'S', 10n)], expect: ['ok', 'exists_with_different_fields'], bal: { A: n(0, 10, 0, 100), S: n(0, 0, 0, 0) } }],
  ['debit_account_not_found', { batch: [t('t', 'nope', 'B', 10n)], expect: ['debit_account_not_found'], bal: { B: n(0, 0, 0, 0) } }],
  ['debit_account_not_found: missing id', { batch: [t('t', null, 'B', 10n)], expect: ['debit_account_not_found'] }],
  ['debit_account_not_found beats ledger_must_match', { batch: [t('t', 'nope', 'B', 10n, { ledger: 978 })], expect: ['debit_account_not_found'] }],
  ['credit_account_not_found', { batch: [t('t', 'A', 'nope', 10n)], expect: ['credit_account_not_found'], bal: { A: A0 } }],
  ['ledger_must_match: transfer ledger', { batch: [t('t', 'A', 'B', 10n, { ledger: 978 })], expect: ['ledger_must_match'], bal: { A: A0 } }],
  ['ledger_must_match: accounts differ', { batch: [t('t', 'A', 'E', 10n)], expect: ['ledger_must_match'], bal: { A: A0 } }],
  ['ledger_must_match: missing ledger', { batch: [t('t', 'A', 'B', 10n, { ledger: null })], expect: ['ledger_must_match'] }],
  ['ledger_must_match beats account_closed', { batch: [t('t', 'A', 'Z', 10n, { ledger: 978 })], expect: ['ledger_must_match'] }],
  ['account_closed: credit side', { batch: [t('t', 'A', 'Z', 10n)], expect: ['account_closed'], bal: { A: A0 } }],
  ['account_closed: debit side', { setup: [{ close: 'A' }], batch: [t('t', 'A', 'B', 10n)], expect: ['account_closed'], bal: { A: A0 } }],
  ['account_closed beats exceeds_credits', { setup: [{ close: 'A' }], batch: [t('t', 'A', 'B', 1000n)], expect: ['account_closed'] }],
  ['account_closed: unlimited account', { setup: [{ close: 'S' }], batch: [t('t', 'X', 'S', 5n)], expect: ['account_closed'], bal: { S: n(0, 0, 0, 0) } }],
  ['exceeds_credits', { batch: [t('t', 'A', 'B', 101n)], expect: ['exceeds_credits'], bal: { A: A0, B: n(0, 0, 0, 0) } }],
  ['ok: exactly the balance', { batch: [t('t', 'A', 'B', 100n)], expect: ['ok'], bal: { A: n(0, 100, 0, 100) } }],
  ['exceeds_credits: pending holds count', { setup: [hold('p', 'A', 'B', 60n)], batch: [t('t', 'A', 'B', 41n)], expect: ['exceeds_credits'], bal: { A: n(60, 0, 0, 100) } }],
  ['exceeds_credits: incoming pending does not count', { setup: [hold('p', 'X', 'B', 50n)], batch: [t('t', 'B', 'S', 1n)], expect: ['exceeds_credits'], bal: { B: n(0, 0, 50, 0) } }],
  ['exceeds_credits: earlier item of the batch', { batch: [t('t1', 'A', 'B', 70n), t('t2', 'A', 'B', 31n), t('t3', 'A', 'B', 30n)], expect: ['ok', 'exceeds_credits', 'ok'], bal: { A: n(0, 100, 0, 100) } }],
  ['exceeds_debits', { batch: [t('t', 'S', 'C', 1n)], expect: ['exceeds_debits'], bal: { C: n(0, 0, 0, 0) } }],
  ['exceeds_debits: pending credits count', { setup: [t('d', 'C', 'S', 5n), hold('p', 'S', 'C', 5n)], batch: [t('t', 'S', 'C', 1n)], expect: ['exceeds_debits'], bal: { C: n(0, 5, 5, 0) } }],
  ['ok: credit-limited account debited first', { batch: [t('t1', 'C', 'S', 5n), t('t2', 'S', 'C', 5n), t('t3', 'S', 'C', 1n)], expect: ['ok', 'ok', 'exceeds_debits'], bal: { C: n(0, 5, 0, 5) } }],
  ['ok: pending', { batch: [hold('p', 'A', 'B', 30n, 60)], expect: ['ok'], bal: { A: n(30, 0, 0, 100), B: n(0, 0, 30, 0) } }],
  ['pending_transfer_not_found', { batch: [post('t', 'nope')], expect: ['pending_transfer_not_found'] }],
  ['pending_transfer_not_found: pending failed earlier in the batch', { batch: [hold('p', 'A', 'B', 1000n), post('t', 'p')], expect: ['exceeds_credits', 'pending_transfer_not_found'], bal: { A: A0 } }],
  ['pending_transfer_not_pending', { setup: [t('s', 'A', 'B', 10n)], batch: [post('t', 's')], expect: ['pending_transfer_not_pending'], bal: { A: n(0, 10, 0, 100) } }],
  ['pending_transfer_has_different_accounts', { setup: [hold('p', 'A', 'B', 10n)], batch: [post('t', 'p', 0n, { debitAccountId: 'B' })], expect: ['pending_transfer_has_different_accounts'], bal: { A: n(10, 0, 0, 100) } }],
  ['ok: post naming the same accounts and ledger', { setup: [hold('p', 'A', 'B', 10n)], batch: [post('t', 'p', 0n, { debitAccountId: 'A', creditAccountId: 'B', ledger: 840 })], expect: ['ok'], bal: { A: n(0, 10, 0, 100) } }],
  ['ledger_must_match: post', { setup: [hold('p', 'A', 'B', 10n)], batch: [post('t', 'p', 0n, { ledger: 978 })], expect: ['ledger_must_match'], bal: { A: n(10, 0, 0, 100) } }],
  ['pending_transfer_already_posted', { setup: [hold('p', 'A', 'B', 10n), post('q', 'p')], batch: [voids('t', 'p')], expect: ['pending_transfer_already_posted'], bal: { A: n(0, 10, 0, 100) } }],
  ['pending_transfer_already_posted beats expired', { setup: [hold('p', 'A', 'B', 10n, 5), post('q', 'p')], at: 10, batch: [post('t', 'p')], expect: ['pending_transfer_already_posted'] }],
  ['pending_transfer_already_voided', { setup: [hold('p', 'A', 'B', 10n), voids('q', 'p')], batch: [post('t', 'p')], expect: ['pending_transfer_already_voided'], bal: { A: A0 } }],
  ['pending_transfer_already_voided: same batch', { setup: [hold('p', 'A', 'B', 10n)], batch: [voids('q', 'p'), voids('t', 'p')], expect: ['ok', 'pending_transfer_already_voided'], bal: { A: A0 } }],
  ['pending_transfer_expired: not yet swept', { setup: [hold('p', 'A', 'B', 10n, 5)], at: 5, batch: [post('t', 'p')], expect: ['pending_transfer_expired'], bal: { A: n(10, 0, 0, 100) } }],
  ['pending_transfer_expired: void after sweep', { setup: [hold('p', 'A', 'B', 10n, 5), { expireAt: 6 }], at: 7, batch: [voids('t', 'p')], expect: ['pending_transfer_expired'], bal: { A: A0, B: n(0, 0, 0, 0) } }],
  ['ok: post one second before expiry', { setup: [hold('p', 'A', 'B', 10n, 5)], at: 4, batch: [post('t', 'p')], expect: ['ok'], bal: { A: n(0, 10, 0, 100) } }],
  ['exceeds_pending_transfer_amount', { setup: [hold('p', 'A', 'B', 10n)], batch: [post('t', 'p', 11n)], expect: ['exceeds_pending_transfer_amount'], bal: { A: n(10, 0, 0, 100) } }],
  ['pending_transfer_has_different_amount', { setup: [hold('p', 'A', 'B', 10n)], batch: [voids('t', 'p', 5n)], expect: ['pending_transfer_has_different_amount'], bal: { A: n(10, 0, 0, 100) } }],
  ['account_closed: post', { setup: [hold('p', 'A', 'B', 10n), { close: 'B' }], batch: [post('t', 'p')], expect: ['account_closed'], bal: { A: n(10, 0, 0, 100) } }],
  ['ok: void on a closed account', { setup: [hold('p', 'A', 'B', 10n), { close: 'B' }], batch: [voids('t', 'p')], expect: ['ok'], bal: { A: A0, B: n(0, 0, 0, 0) } }],
  ['ok: partial post releases the rest', { setup: [hold('p', 'A', 'B', 10n)], batch: [post('t', 'p', 4n)], expect: ['ok'], bal: { A: n(0, 4, 0, 100), B: n(0, 0, 0, 4) } }],
  ['ok: post with amount omitted takes all', { setup: [hold('p', 'A', 'B', 10n)], batch: [post('t', 'p')], expect: ['ok'], bal: { A: n(0, 10, 0, 100), B: n(0, 0, 0, 10) } }],
  ['ok: void with the pending amount', { setup: [hold('p', 'A', 'B', 10n)], batch: [voids('t', 'p', 10n)], expect: ['ok'], bal: { A: A0 } }],
  ['ok: hold and post in one batch', { batch: [hold('p', 'A', 'B', 30n), post('t', 'p', 20n)], expect: ['ok', 'ok'], bal: { A: n(0, 20, 0, 100), B: n(0, 0, 0, 20) } }],
  ['ok: linked hold + fee, then post both', { setup: [hold('p1', 'A', 'S', 50n, 0), hold('p2', 'A', 'X', 2n, 0)], batch: [post('q1', 'p1', 40n, { flags: ['post_pending_transfer', 'linked'] }), post('q2', 'p2')], expect: ['ok', 'ok'], bal: { A: n(0, 42, 0, 100), S: n(0, 0, 0, 40) } }],
  ['linked chain undoes a post', { setup: [hold('p', 'A', 'B', 10n)], batch: [post('q', 'p', 0n, { flags: ['post_pending_transfer', 'linked'] }), t('t', 'A', 'B', 1000n), voids('v', 'p')], expect: ['linked_event_failed', 'exceeds_credits', 'ok'], bal: { A: A0 } }],
  ['exists counts as success in a chain', { setup: [[t('t1', 'A', 'B', 10n, { f: ['linked'] }), t('t2', 'A', 'B', 10n)]], batch: [t('t1', 'A', 'B', 10n, { f: ['linked'] }), t('t2', 'A', 'B', 10n)], expect: ['exists', 'exists'], bal: { A: n(0, 20, 0, 100) } }],
];

let tdb: TestDb;
beforeAll(async () => {
  tdb = await createTestDb();
});
afterAll(async () => tdb?.close());

async function makeWorld(tx: Tx, p: string): Promise<void> {
  const acct = (name: string, more: Partial<AccountInput>): AccountInput =>
    ({ id: `${p}${name}`, ledger: 840, code: 'merchant_wallet', flags: ['debits_must_not_exceed_credits'], ...more });
  const results = await createAccounts(tx, [
    acct('X', { code: 'external_funding', flags: [] }), acct('A', {}), acct('B', {}),
    acct('C', { code: 'fx', flags: ['credits_must_not_exceed_debits'] }), acct('S', { code: 'network_settlement', flags: [] }),
    acct('Z', { flags: ['debits_must_not_exceed_credits', 'closed'] }), acct('E', { ledger: 978 }),
  ]);
  expect(results.every((r) => r.result === 'ok')).toBe(true);
  const funded = await createTransfers(tx, [{ id: `${p}fund`, debitAccountId: `${p}X`, creditAccountId: `${p}A`, amount: 100n, ledger: 840, code: 'deposit' }], { now: T0 });
  expect(funded[0]!.result).toBe('ok');
}

/** Prefix the names in a transfer with the case's prefix (names starting with `!` stay raw, minus the `!`). */
function scoped(p: string, x: TransferInput): TransferInput {
  const name = (v: string | null | undefined) => (v == null ? v : v.startsWith('!') ? v.slice(1) : `${p}${v}`);
  return { ...x, id: name(x.id)!, debitAccountId: name(x.debitAccountId), creditAccountId: name(x.creditAccountId), pendingId: name(x.pendingId) };
}

describe('createTransfers: result codes in precedence order', () => {
  it.each(CASES)('%s', async (_name, c) => {
    const p = uniquePrefix('r');
    const db = tdb.db;
    await db.transaction((tx) => makeWorld(tx, p));
    for (const step of c.setup ?? []) {
      if (Array.isArray(step)) {
        const results = await createTransfersTx(db, step.map((x) => scoped(p, x)), { now: T0 });
        expect(results.map((r) => r.result)).toEqual(step.map(() => 'ok'));
      } else if ('close' in step) await db.transaction((tx) => closeAccounts(tx, [`${p}${step.close}`]));
      else if ('expireAt' in step) await db.transaction((tx) => expirePendingTransfers(tx, { now: at(step.expireAt) }));
      else expect((await createTransfersTx(db, [scoped(p, step)], { now: T0 }))[0]!.result).toMatch(/^ok$/);
    }
    const results = await createTransfersTx(db, c.batch.map((x) => scoped(p, x)), { now: at(c.at ?? 0) });
    expect(results).toEqual(c.expect.map((result, index) => ({ index, result })));
    if (c.bal) {
      const names = Object.keys(c.bal);
      const got = await countersOf(db, names.map((x) => `${p}${x}`));
      expect(Object.fromEntries(names.map((x) => [x, got[`${p}${x}`]]))).toEqual(c.bal);
    }
  });
});

describe('createAccounts: result codes in precedence order', () => {
  const CASES_A: [string, AccountInput[], AccountResultCode[]][] = [
    ['ok', [{ id: 'a', ledger: 840, code: 'card_available' }], ['ok']],
    ['id_invalid', [{ id: '!bad id', ledger: 840, code: 'card_available' }], ['id_invalid']],
    ['id_invalid beats flags', [{ id: '!', ledger: 840, code: 'fx', flags: ['debits_must_not_exceed_credits', 'credits_must_not_exceed_debits'] }], ['id_invalid']],
    ['flags_are_mutually_exclusive', [{ id: 'a', ledger: 840, code: 'fx', flags: ['debits_must_not_exceed_credits', 'credits_must_not_exceed_debits'] }], ['flags_are_mutually_exclusive']],
    ['code_invalid', [{ id: 'a', ledger: 840, code: 'savings' as never }], ['code_invalid']],
    ['owner_too_long', [{ id: 'a', ledger: 840, code: 'fx', ownerId: 'o'.repeat(65) }], ['owner_too_long']],
    ['exists', [{ id: 'a', ledger: 840, code: 'fx', ownerId: 'card_1' }, { id: 'a', ledger: 840, code: 'fx', ownerId: 'card_1' }], ['ok', 'exists']],
    ['exists_with_different_fields', [{ id: 'a', ledger: 840, code: 'fx' }, { id: 'a', ledger: 840, code: 'fx', flags: ['closed'] }], ['ok', 'exists_with_different_fields']],
    ['exists beats ledger_not_found', [{ id: 'a', ledger: 840, code: 'fx' }, { id: 'a', ledger: 1, code: 'fx' }], ['ok', 'exists_with_different_fields']],
    ['ledger_not_found', [{ id: 'a', ledger: 1, code: 'fx' }, { id: 'b', ledger: 978, code: 'fx' }], ['ledger_not_found', 'ok']],
  ];
  it.each(CASES_A)('%s', async (_name, batch, expected) => {
    const p = uniquePrefix('a');
    const scopedBatch = batch.map((a) => ({ ...a, id: a.id.startsWith('!') ? a.id.slice(1) : `${p}${a.id}` }));
    const results = await tdb.db.transaction((tx) => createAccounts(tx, scopedBatch));
    expect(results.map((r) => r.result)).toEqual(expected);
  });
});

describe('createTransfers: mechanics', () => {
  it('applies any batch in one statement', async () => {
    const p = uniquePrefix('m');
    await tdb.db.transaction((tx) => makeWorld(tx, p));
    for (const size of [1, 7, 500]) {
      let statements = 0;
      await tdb.db.transaction(async (tx) => {
        const counting: Tx = { query: (sql, params) => { statements++; return tx.query(sql, params); } };
        const batch = Array.from({ length: size }, (_, i) => scoped(p, t(`s${size}-${i}`, 'X', 'S', 1n)));
        const results = await createTransfers(counting, batch, { now: T0 });
        expect(results.every((r) => r.result === 'ok')).toBe(true);
      });
      expect(statements).toBe(1);
    }
  });

  it('keeps amounts above 2^53 exact', async () => {
    const p = uniquePrefix('m');
    await tdb.db.transaction((tx) => makeWorld(tx, p));
    const batch = Array.from({ length: 10 }, (_, i) => scoped(p, t(`big${i}`, 'X', 'S', AMOUNT_MAX)));
    batch.push(scoped(p, t('one', 'X', 'S', 1n)));
    expect((await createTransfersTx(tdb.db, batch, { now: T0 })).every((r) => r.result === 'ok')).toBe(true);
    const c = await countersOf(tdb.db, [`${p}S`]);
    expect(c[`${p}S`]).toEqual([0n, 0n, 0n, 10n * AMOUNT_MAX + 1n]);
    expect(10n * AMOUNT_MAX + 1n > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
  });

  it('stores each transfer as submitted, with the batch time', async () => {
    const p = uniquePrefix('m');
    await tdb.db.transaction((tx) => makeWorld(tx, p));
    await createTransfersTx(tdb.db, [
      scoped(p, hold('h', 'A', 'B', 30n, 60)),
      scoped(p, post('q', 'h', 20n, { flags: ['post_pending_transfer', 'linked'], code: 'clearing', userData: 'txn_1' })),
      scoped(p, t('f', 'A', 'S', 1n, { code: 'fee' })),
    ], { now: at(3) });
    const [h, q] = await lookupTransfers(tdb.db, [`${p}h`, `${p}q`, `${p}missing`]);
    expect(h).toMatchObject({ amount: 30n, flags: ['pending'], timeout: 60, expiresAt: at(63), timestamp: at(3), code: 'test', expiry: false });
    expect(q).toMatchObject({
      debitAccountId: `${p}A`, creditAccountId: `${p}B`, amount: 20n, pendingId: `${p}h`, ledger: 840, code: 'clearing',
      flags: ['linked', 'post_pending_transfer'], timeout: 0, expiresAt: null, userData: 'txn_1', timestamp: at(3),
    });
  });

  it('refuses a batch over TRANSFERS_BATCH_MAX as a bug', async () => {
    const batch = Array.from({ length: 1001 }, (_, i) => t(`x${i}`, 'a', 'b', 1n));
    await expect(createTransfersTx(tdb.db, batch, { now: T0 })).rejects.toThrow(/at most 1000/);
  });
});
