import type { FastifyInstance } from 'fastify';
import { typed } from '../../../route.ts';
import { verifyLedgerRoute } from './verify.ts';
import { listAccountTransfersRoute } from './transfers.ts';

/** The operator's ledger check and an account's transfer history. */
export function ledgerAdminRoutes(app: FastifyInstance): void {
  verifyLedgerRoute(typed(app));
  listAccountTransfersRoute(typed(app));
}
