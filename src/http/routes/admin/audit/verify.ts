import type { FastifyInstance } from 'fastify';
import { Type } from '@fastify/type-provider-typebox';
import { verifyAuditChain, type AuditChainReport } from '../../../../audit/index.ts';
import { errorResponses } from '../../../schemas.ts';
import { auditRoute } from './shared.ts';

export const AuditVerificationSchema = Type.Object({
  object: Type.Literal('audit_log_verification'),
  ok: Type.Boolean({ description: 'True when every entry follows from its predecessor.' }),
  entries: Type.Integer({ description: 'Entries checked (up to and including the first broken one).' }),
  broken_at: Type.Union([Type.String({ pattern: '^[0-9]+$' }), Type.Null()], {
    description: 'The seq of the first entry whose seq, previous hash or own hash does not follow: an entry there was edited, removed or inserted.',
  }),
  head_hash: Type.String({
    description: 'Hex hash of the last entry that verified. Keep it somewhere else: a later head that does not descend from it means the log was rewritten or cut.',
  }),
}, { title: 'AuditLogVerification' });

export const presentAuditVerification = (r: AuditChainReport) => ({
  object: 'audit_log_verification' as const, ok: r.brokenAt === null, entries: r.rows,
  broken_at: r.brokenAt?.toString() ?? null, head_hash: r.head.toString('hex'),
});

export function verifyAuditRoute(app: FastifyInstance): void {
  app.get('/admin/v1/audit_log/verify', {
    ...auditRoute,
    schema: {
      ...auditRoute.schema, summary: 'Verify the audit log',
      description: 'Walks the hash chain from its start: each entry must follow its predecessor (seq, previous hash) and hash to '
        + 'its stored hash. Answers 200 with `ok: false` and `broken_at` when it does not. Reads the whole log, in pages: meant '
        + 'for operators and jobs, not hot paths.',
      response: { 200: AuditVerificationSchema, ...errorResponses() },
    },
  }, async () => presentAuditVerification(await verifyAuditChain(app.deps.db)));
}
