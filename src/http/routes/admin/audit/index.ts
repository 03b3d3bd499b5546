import type { FastifyInstance } from 'fastify';
import { typed } from '../../../route.ts';
import { listAuditRoute } from './list.ts';
import { verifyAuditRoute } from './verify.ts';

/** The operator's audit log reader and its hash-chain check. */
export function auditRoutes(app: FastifyInstance): void {
  const api = typed(app);
  listAuditRoute(api);
  verifyAuditRoute(api);
}
