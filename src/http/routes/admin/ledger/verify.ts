import type { FastifyInstance } from 'fastify';
import { Type } from '@fastify/type-provider-typebox';
import { verifyLedger, VIOLATION_KINDS, type VerifyReport } from '../../../../ledger/index.ts';
import { errorResponses } from '../../../schemas.ts';

// Sums of counters can pass 2^53, so every amount is a decimal string.
const Amount = Type.String({ pattern: '^-?[0-9]+$', description: 'Minor units, as a decimal string (sums can exceed 2^53).' });

export const LedgerVerificationSchema = Type.Object({
  object: Type.Literal('ledger_verification'),
  ok: Type.Boolean({ description: 'True when no invariant is broken.' }),
  transfers: Type.Integer({ description: 'Transfers checked.' }),
  truncated: Type.Boolean({ description: 'True when a check found more violations than the report lists (1,000 per check).' }),
  ledgers: Type.Array(Type.Object({
    ledger: Type.Integer({ description: 'ISO 4217 numeric code.' }),
    currency: Type.String({ description: 'ISO 4217 alphabetic code.' }),
    accounts: Type.Integer(),
    debits_pending: Amount,
    debits_posted: Amount,
    credits_pending: Amount,
    credits_posted: Amount,
  }), { description: 'Totals per ledger (currency): debits equal credits, posted and pending, when the ledger balances.' }),
  violations: Type.Array(Type.Object({
    kind: Type.Union(VIOLATION_KINDS.map((k) => Type.Literal(k))),
    ledger: Type.Union([Type.Integer(), Type.Null()]),
    account_id: Type.Union([Type.String(), Type.Null()]),
    transfer_id: Type.Union([Type.String(), Type.Null()]),
    detail: Type.String(),
  })),
}, { title: 'LedgerVerification' });

export function presentVerification(report: VerifyReport) {
  return {
    object: 'ledger_verification' as const,
    ok: report.ok,
    transfers: report.transfers,
    truncated: report.truncated,
    ledgers: report.ledgers.map((l) => ({
      ledger: l.ledger, currency: l.currency, accounts: l.accounts,
      debits_pending: l.debitsPending.toString(), debits_posted: l.debitsPosted.toString(),
      credits_pending: l.creditsPending.toString(), credits_posted: l.creditsPosted.toString(),
    })),
    violations: report.violations.map((v) => ({
      kind: v.kind, ledger: v.ledger, account_id: v.accountId, transfer_id: v.transferId, detail: v.detail,
    })),
  };
}

export function verifyLedgerRoute(app: FastifyInstance): void {
  app.get('/admin/v1/ledger/verify', {
    config: { auth: 'admin' as const },
    schema: {
      tags: ['Admin: ledger'], security: [{ adminToken: [] }],
      summary: 'Verify the ledger',
      description: 'Checks the double-entry invariants on one snapshot: per ledger, debits equal credits (posted and pending); '
        + 'every account\'s counters equal the sums of its transfers and respect its flags; no pending transfer is resolved '
        + 'twice or wrongly; the expiry queue and the running balances agree. Answers 200 with `ok: false` and the '
        + 'violations when something is broken. Reads every transfer: meant for operators and jobs, not for hot paths.',
      response: { 200: LedgerVerificationSchema, ...errorResponses() },
    },
  }, async () => presentVerification(await verifyLedger(app.deps.db)));
}
