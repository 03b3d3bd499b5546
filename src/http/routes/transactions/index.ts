import type { FastifyInstance } from 'fastify';
import { typed } from '../../route.ts';
import { listTransactionsRoute } from './list.ts';
import { retrieveTransactionRoute } from './retrieve.ts';
import { simulateForcePostRoute } from './simulate-force-post.ts';
import { simulateRefundRoute } from './simulate-refund.ts';

/** Transactions: the reads, and the sandbox's force posts and refunds (clearings without an authorization of this path). */
export function transactionRoutes(app: FastifyInstance): void {
  const api = typed(app);
  simulateForcePostRoute(api);
  simulateRefundRoute(api);
  listTransactionsRoute(api);
  retrieveTransactionRoute(api);
}
