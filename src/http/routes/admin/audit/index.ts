import type { FastifyInstance } from 'fastify';
import { listAuditRoute } from './list.ts';
import { verifyAuditRoute } from './verify.ts';

export function auditRoutes(app: FastifyInstance): void {
  listAuditRoute(app);
  verifyAuditRoute(app);
}
