import { verifyAuditChain } from '../../../../audit/index.ts';
import { AuditVerificationSchema, presentAuditVerification } from '../../../presenters/audit.ts';
import { errorResponses } from '../../../schemas.ts';
import type { TypedApp } from '../../../route.ts';
import { auditRoute } from './schemas.ts';

export function verifyAuditRoute(app: TypedApp): void {
  app.get('/admin/v1/audit_log/verify', {
    config: auditRoute.config,
    schema: {
      ...auditRoute.schema, operationId: 'admin.auditLog.verify', summary: 'Verify the audit log',
      description: 'Walks the hash chain from its start: each entry must follow its predecessor (seq, previous hash) and hash to '
        + 'its stored hash. Answers 200 with `ok: false` and `broken_at` when it does not. Reads the whole log, in pages: meant '
        + 'for operators and jobs, not hot paths.',
      response: { 200: AuditVerificationSchema, ...errorResponses() },
    },
  }, async () => presentAuditVerification(await verifyAuditChain(app.deps.db)));
}
