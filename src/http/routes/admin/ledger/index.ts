import type { FastifyInstance } from 'fastify';
import { typed } from '../../../route.ts';
import { verifyLedgerRoute } from './verify.ts';

/** The operator's ledger check. */
export function ledgerAdminRoutes(app: FastifyInstance): void {
  verifyLedgerRoute(typed(app));
}
