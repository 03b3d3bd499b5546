import type { Db, Queryable } from '../db/index.ts';

/** Why 1,000 per check: a report is read by a person; the first thousand show the pattern. */
export const VIOLATIONS_PER_CHECK_MAX = 1_000;

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
  /** True when some check found more than VIOLATIONS_PER_CHECK_MAX violations and the rest were left out. */
  truncated: boolean;
}

type Row = { kind: ViolationKind; ledger: number | null; account_id: string | null; transfer_id: string | null; detail: string };

/**
 * Each check returns its violations as rows (kind, ledger, account_id,
 * transfer_id, detail). Sums are numeric so that a corrupted counter cannot
 * overflow the check itself.
 */
const CHECKS: string[] = [
  // Σ debits = Σ credits per ledger, posted and pending.
  `SELECT CASE WHEN sum(debits_posted) <> sum(credits_posted) THEN 'ledger_posted_unbalanced' ELSE 'ledger_pending_unbalanced' END AS kind,
          ledger, NULL AS account_id, NULL AS transfer_id,
          format('debits_posted %s, credits_posted %s, debits_pending %s, credits_pending %s',
                 sum(debits_posted), sum(credits_posted), sum(debits_pending), sum(credits_pending)) AS detail
     FROM ledger_accounts GROUP BY ledger
    HAVING sum(debits_posted) <> sum(credits_posted) OR sum(debits_pending) <> sum(credits_pending)`,

  // Every account's counters are the sums of its transfers: posted = single + post
  // transfers; pending = pending transfers not yet resolved.
  `WITH t AS (
     SELECT t.kind, t.debit_account_id, t.credit_account_id, t.amount::numeric AS amount,
            t.kind = 'pending' AND r.id IS NULL AS open
       FROM ledger_transfers t LEFT JOIN ledger_transfers r ON t.kind = 'pending' AND r.pending_id = t.id
   ), flows AS (
     SELECT debit_account_id AS id, CASE WHEN open THEN amount ELSE 0 END AS dp,
            CASE WHEN kind IN ('single', 'post') THEN amount ELSE 0 END AS dpo, 0 AS cp, 0 AS cpo FROM t
     UNION ALL
     SELECT credit_account_id, 0, 0, CASE WHEN open THEN amount ELSE 0 END,
            CASE WHEN kind IN ('single', 'post') THEN amount ELSE 0 END FROM t
   ), sums AS (
     SELECT id, sum(dp) AS dp, sum(dpo) AS dpo, sum(cp) AS cp, sum(cpo) AS cpo FROM flows GROUP BY id
   )
   SELECT 'account_counters_mismatch', a.ledger, a.id, NULL,
          format('counters %s/%s/%s/%s, transfers sum to %s/%s/%s/%s (debits pending/posted, credits pending/posted)',
                 a.debits_pending, a.debits_posted, a.credits_pending, a.credits_posted,
                 coalesce(s.dp, 0), coalesce(s.dpo, 0), coalesce(s.cp, 0), coalesce(s.cpo, 0))
     FROM ledger_accounts a LEFT JOIN sums s ON s.id = a.id
    WHERE (a.debits_pending, a.debits_posted, a.credits_pending, a.credits_posted)
          IS DISTINCT FROM (coalesce(s.dp, 0), coalesce(s.dpo, 0), coalesce(s.cp, 0), coalesce(s.cpo, 0))`,

  // No account breaks its flags (the table's CHECK constraints should make this impossible).
  `SELECT 'account_limit_exceeded', ledger, id, NULL,
          format('flags %s/%s, counters %s/%s/%s/%s', debits_must_not_exceed_credits, credits_must_not_exceed_debits,
                 debits_pending, debits_posted, credits_pending, credits_posted)
     FROM ledger_accounts
    WHERE (debits_must_not_exceed_credits AND debits_pending::numeric + debits_posted > credits_posted)
       OR (credits_must_not_exceed_debits AND credits_pending::numeric + credits_posted > debits_posted)
       OR (debits_must_not_exceed_credits AND credits_must_not_exceed_debits)
       OR least(debits_pending, debits_posted, credits_pending, credits_posted) < 0`,

  // Every transfer moves between two existing, distinct accounts of its own ledger.
  `SELECT 'transfer_accounts_invalid', t.ledger, NULL, t.id,
          format('debit %s (ledger %s), credit %s (ledger %s)', t.debit_account_id, d.ledger, t.credit_account_id, c.ledger)
     FROM ledger_transfers t
     LEFT JOIN ledger_accounts d ON d.id = t.debit_account_id
     LEFT JOIN ledger_accounts c ON c.id = t.credit_account_id
    WHERE d.id IS NULL OR c.id IS NULL OR d.ledger <> t.ledger OR c.ledger <> t.ledger OR d.id = c.id`,

  // No pending transfer is resolved twice (a unique index should make this impossible).
  `SELECT 'pending_resolved_twice', NULL::integer, NULL, pending_id, format('resolved %s times', count(*))
     FROM ledger_transfers WHERE pending_id IS NOT NULL GROUP BY pending_id HAVING count(*) > 1`,

  // A post/void/expiry resolves an existing pending transfer, with its accounts and
  // ledger, posting at most its amount, releasing exactly it; an expiry only after the timeout.
  `SELECT 'resolution_invalid', r.ledger, NULL, r.id,
          format('%s of %s (%s, amount %s, expires %s) for amount %s', r.kind, r.pending_id, p.kind, p.amount, p.expires_at, r.amount)
     FROM ledger_transfers r LEFT JOIN ledger_transfers p ON p.id = r.pending_id
    WHERE r.pending_id IS NOT NULL AND (
          p.id IS NULL OR p.kind <> 'pending' OR p.seq > r.seq
       OR r.debit_account_id <> p.debit_account_id OR r.credit_account_id <> p.credit_account_id OR r.ledger <> p.ledger
       OR (r.kind = 'post' AND r.amount > p.amount) OR (r.kind IN ('void', 'expiry') AND r.amount <> p.amount)
       OR (r.kind = 'expiry' AND (p.expires_at IS NULL OR p.expires_at > r.created_at)))`,

  // The expiry queue holds exactly the unresolved pending transfers that have a timeout.
  `WITH open AS (
     SELECT p.id, p.ledger, p.expires_at FROM ledger_transfers p
      WHERE p.kind = 'pending' AND p.expires_at IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM ledger_transfers r WHERE r.pending_id = p.id)
   )
   SELECT 'expiry_queue_mismatch', o.ledger, NULL, coalesce(o.id, q.transfer_id),
          format('open pending expiring %s, queued for %s', o.expires_at, q.expires_at)
     FROM open o FULL JOIN ledger_pending_expiry q ON q.transfer_id = o.id
    WHERE o.id IS NULL OR q.transfer_id IS NULL OR o.expires_at <> q.expires_at`,

  // Each history row's counters are the previous row's plus this transfer's effect,
  // and the last row's are the account's counters.
  `WITH sides AS (
     SELECT t.debit_account_id AS account_id, t.seq, t.id, t.kind, t.amount::numeric AS amount, p.amount::numeric AS released, true AS debit,
            t.dr_debits_pending AS dp, t.dr_debits_posted AS dpo, t.dr_credits_pending AS cp, t.dr_credits_posted AS cpo
       FROM ledger_transfers t LEFT JOIN ledger_transfers p ON p.id = t.pending_id
     UNION ALL
     SELECT t.credit_account_id, t.seq, t.id, t.kind, t.amount, p.amount, false,
            t.cr_debits_pending, t.cr_debits_posted, t.cr_credits_pending, t.cr_credits_posted
       FROM ledger_transfers t LEFT JOIN ledger_transfers p ON p.id = t.pending_id
   ), steps AS (
     SELECT s.*,
            coalesce(lag(dp) OVER w, 0) AS pdp, coalesce(lag(dpo) OVER w, 0) AS pdpo,
            coalesce(lag(cp) OVER w, 0) AS pcp, coalesce(lag(cpo) OVER w, 0) AS pcpo,
            row_number() OVER (PARTITION BY account_id ORDER BY seq DESC) AS from_last
       FROM sides s WINDOW w AS (PARTITION BY account_id ORDER BY seq)
   ), expected AS (
     SELECT st.*,
            CASE kind WHEN 'pending' THEN amount WHEN 'single' THEN 0 ELSE -released END AS d_pending,
            CASE WHEN kind IN ('single', 'post') THEN amount ELSE 0 END AS d_posted
       FROM steps st
   )
   SELECT 'history_mismatch', a.ledger, e.account_id, e.id,
          CASE WHEN (e.dp, e.dpo, e.cp, e.cpo) IS DISTINCT FROM
                    (e.pdp + CASE WHEN e.debit THEN e.d_pending ELSE 0 END, e.pdpo + CASE WHEN e.debit THEN e.d_posted ELSE 0 END,
                     e.pcp + CASE WHEN e.debit THEN 0 ELSE e.d_pending END, e.pcpo + CASE WHEN e.debit THEN 0 ELSE e.d_posted END)
               THEN format('counters after %s are %s/%s/%s/%s, not the previous row plus its effect', e.id, e.dp, e.dpo, e.cp, e.cpo)
               ELSE format('last history row has %s/%s/%s/%s, account has %s/%s/%s/%s', e.dp, e.dpo, e.cp, e.cpo,
                           a.debits_pending, a.debits_posted, a.credits_pending, a.credits_posted) END
     FROM expected e LEFT JOIN ledger_accounts a ON a.id = e.account_id
    WHERE (e.dp, e.dpo, e.cp, e.cpo) IS DISTINCT FROM
          (e.pdp + CASE WHEN e.debit THEN e.d_pending ELSE 0 END, e.pdpo + CASE WHEN e.debit THEN e.d_posted ELSE 0 END,
           e.pcp + CASE WHEN e.debit THEN 0 ELSE e.d_pending END, e.pcpo + CASE WHEN e.debit THEN 0 ELSE e.d_posted END)
       OR (e.from_last = 1 AND (e.dp, e.dpo, e.cp, e.cpo) IS DISTINCT FROM
           (a.debits_pending, a.debits_posted, a.credits_pending, a.credits_posted))`,
];

async function run(q: Queryable): Promise<VerifyReport> {
  const violations: Violation[] = [];
  let truncated = false;
  for (const check of CHECKS) {
    const { rows } = await q.query<Row>(`SELECT * FROM (${check}) v (kind, ledger, account_id, transfer_id, detail) LIMIT ${VIOLATIONS_PER_CHECK_MAX + 1}`);
    if (rows.length > VIOLATIONS_PER_CHECK_MAX) truncated = true;
    for (const r of rows.slice(0, VIOLATIONS_PER_CHECK_MAX)) {
      violations.push({ kind: r.kind, ledger: r.ledger, accountId: r.account_id, transferId: r.transfer_id, detail: r.detail });
    }
  }
  const totals = await q.query<{ ledger: number; currency: string; accounts: bigint; dp: string; dpo: string; cp: string; cpo: string }>(
    `SELECT l.ledger, l.currency, count(a.id) AS accounts,
            coalesce(sum(a.debits_pending), 0)::text AS dp, coalesce(sum(a.debits_posted), 0)::text AS dpo,
            coalesce(sum(a.credits_pending), 0)::text AS cp, coalesce(sum(a.credits_posted), 0)::text AS cpo
       FROM ledgers l JOIN ledger_accounts a ON a.ledger = l.ledger
      GROUP BY l.ledger, l.currency ORDER BY l.ledger`);
  const count = await q.query<{ n: bigint }>('SELECT count(*) AS n FROM ledger_transfers');
  return {
    ok: violations.length === 0,
    violations,
    ledgers: totals.rows.map((r) => ({
      ledger: r.ledger, currency: r.currency, accounts: Number(r.accounts),
      debitsPending: BigInt(r.dp), debitsPosted: BigInt(r.dpo), creditsPending: BigInt(r.cp), creditsPosted: BigInt(r.cpo),
    })),
    transfers: Number(count.rows[0]!.n),
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
