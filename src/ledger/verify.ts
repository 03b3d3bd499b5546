import type { Db, Queryable } from '../db/index.ts';

/** Why 1,000 per kind: a report is read by a person; the first thousand show the pattern. */
export const VIOLATIONS_PER_CHECK_MAX = 1_000;

/**
 * What verifyLedger checks (SPEC §2 invariants, and what the design relies on):
 * - ledger_*_unbalanced: per ledger, Σ debits = Σ credits, posted and pending;
 * - account_counters_mismatch: every account's counters equal the sums of its transfers;
 * - account_limit_exceeded: no account breaks its flags;
 * - transfer_accounts_invalid: transfers move between existing, distinct accounts of their ledger;
 * - pending_resolved_twice / resolution_invalid: a pending transfer is posted, voided or
 *   expired at most once, by a transfer with its accounts and ledger, for at most its amount;
 * - expiry_queue_mismatch: the expiry queue is exactly the open pending transfers with a timeout;
 * - history_mismatch: each history row's counters follow from the previous row's, and the
 *   last equals the account's.
 */
export const VIOLATION_KINDS = [
  'ledger_posted_unbalanced',
  'ledger_pending_unbalanced',
  'account_counters_mismatch',
  'account_limit_exceeded',
  'transfer_accounts_invalid',
  'pending_resolved_twice',
  'resolution_invalid',
  'expiry_queue_mismatch',
  'history_mismatch',
] as const;
export type ViolationKind = (typeof VIOLATION_KINDS)[number];

export interface Violation {
  kind: ViolationKind;
  ledger: number | null;
  accountId: string | null;
  transferId: string | null;
  detail: string;
}

export interface LedgerTotals {
  ledger: number;
  currency: string;
  accounts: number;
  debitsPending: bigint;
  debitsPosted: bigint;
  creditsPending: bigint;
  creditsPosted: bigint;
}

export interface VerifyReport {
  ok: boolean;
  violations: Violation[];
  ledgers: LedgerTotals[];
  transfers: number;
  /** True when a kind had more than VIOLATIONS_PER_CHECK_MAX violations and the rest were left out. */
  truncated: boolean;
}

type Row = { kind: ViolationKind; ledger: number | null; account_id: string | null; transfer_id: string | null; detail: string };

async function run(q: Queryable): Promise<VerifyReport> {
  // The checks are the SQL function ledger_verify (migrations/0002_ledger.sql), so
  // that their plans are cached per session: a test can verify after every step.
  const { rows } = await q.query<Row>('SELECT * FROM ledger_verify($1)', [VIOLATIONS_PER_CHECK_MAX]);
  const perKind = new Map<string, number>();
  const violations: Violation[] = [];
  let truncated = false;
  for (const r of rows) {
    const n = (perKind.get(r.kind) ?? 0) + 1;
    perKind.set(r.kind, n);
    if (n > VIOLATIONS_PER_CHECK_MAX) truncated = true;
    else violations.push({ kind: r.kind, ledger: r.ledger, accountId: r.account_id, transferId: r.transfer_id, detail: r.detail });
  }
  const totals = await q.query<{ ledger: number; currency: string; accounts: bigint; dp: string; dpo: string; cp: string; cpo: string; transfers: bigint }>(
    `SELECT l.ledger, l.currency, count(a.id) AS accounts, (SELECT count(*) FROM ledger_transfers) AS transfers,
            coalesce(sum(a.debits_pending), 0)::text AS dp, coalesce(sum(a.debits_posted), 0)::text AS dpo,
            coalesce(sum(a.credits_pending), 0)::text AS cp, coalesce(sum(a.credits_posted), 0)::text AS cpo
       FROM ledgers l JOIN ledger_accounts a ON a.ledger = l.ledger
      GROUP BY l.ledger, l.currency ORDER BY l.ledger`);
  return {
    ok: violations.length === 0,
    violations,
    ledgers: totals.rows.map((r) => ({
      ledger: r.ledger, currency: r.currency, accounts: Number(r.accounts),
      debitsPending: BigInt(r.dp), debitsPosted: BigInt(r.dpo), creditsPending: BigInt(r.cp), creditsPosted: BigInt(r.cpo),
    })),
    transfers: Number(totals.rows[0]?.transfers ?? 0),
    truncated,
  };
}

const isDb = (q: Queryable | Db): q is Db => typeof (q as Db).transaction === 'function';

/**
 * Check the ledger's invariants (SPEC §2) and report every violation found.
 * Given a Db, all checks read one snapshot (a repeatable-read transaction),
 * so concurrent writers cannot cause false alarms; given a transaction, they
 * read what that transaction sees.
 */
export async function verifyLedger(q: Queryable | Db): Promise<VerifyReport> {
  if (isDb(q)) return q.transaction((tx) => run(tx), { isolation: 'repeatable read' });
  return run(q);
}
