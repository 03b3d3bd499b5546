import { Type, type Static } from '@fastify/type-provider-typebox';
import { VIOLATION_KINDS, type VerifyReport } from '../../ledger/index.ts';

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
    kind: Type.Enum(VIOLATION_KINDS),
    ledger: Type.Union([Type.Integer(), Type.Null()]),
    account_id: Type.Union([Type.String(), Type.Null()]),
    transfer_id: Type.Union([Type.String(), Type.Null()]),
    detail: Type.String(),
  })),
}, {
  title: 'LedgerVerification',
  examples: [{
    object: 'ledger_verification', ok: true, transfers: 48213, truncated: false,
    ledgers: [{
      ledger: 840, currency: 'USD', accounts: 1274, debits_pending: '125000', debits_posted: '98431250',
      credits_pending: '125000', credits_posted: '98431250',
    }],
    violations: [],
  }],
});

export const presentLedgerVerification = (report: VerifyReport) => ({
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
}) satisfies Static<typeof LedgerVerificationSchema>;
