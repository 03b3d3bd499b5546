import { verifyLedger } from '../../../../ledger/index.ts';
import { LedgerVerificationSchema, presentLedgerVerification } from '../../../presenters/ledger.ts';
import { errorResponses } from '../../../schemas.ts';
import type { TypedApp } from '../../../route.ts';

export function verifyLedgerRoute(app: TypedApp): void {
  app.get('/admin/v1/ledger/verify', {
    config: { auth: 'admin' },
    schema: {
      tags: ['Admin: ledger'], security: [{ adminToken: [] }], operationId: 'admin.ledger.verify', summary: 'Verify the ledger',
      description: 'Checks the double-entry invariants on one snapshot: per ledger, debits equal credits (posted and pending); '
        + 'every account\'s counters equal the sums of its transfers and respect its flags; no pending transfer is resolved '
        + 'twice or wrongly; the expiry queue and the running balances agree. Answers 200 with `ok: false` and the '
        + 'violations when something is broken. Reads every transfer: meant for operators and jobs, not for hot paths.',
      response: { 200: LedgerVerificationSchema, ...errorResponses() },
    },
  }, async () => presentLedgerVerification(await verifyLedger(app.deps.db)));
}
