import type { FastifyInstance } from 'fastify';
import { typed } from '../../route.ts';
import { creditWalletRoute } from './credit.ts';
import { listWalletsRoute } from './list.ts';
import { simulateWalletDepositRoute } from './simulate-deposit.ts';

/** Merchant wallets: list them, a sandbox deposit, the operator's credit. */
export function walletRoutes(app: FastifyInstance): void {
  const api = typed(app);
  listWalletsRoute(api);
  simulateWalletDepositRoute(api);
  creditWalletRoute(api);
}
