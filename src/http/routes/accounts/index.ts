import type { FastifyInstance } from 'fastify';
import { typed } from '../../route.ts';
import { createAccountRoute } from './create.ts';
import { listCustomerAccountsRoute } from './list.ts';
import { retrieveAccountRoute } from './retrieve.ts';

/** Customer accounts (one per currency; cards hang off them): open, retrieve, list; each route in its own file. */
export function accountRoutes(app: FastifyInstance): void {
  const api = typed(app);
  createAccountRoute(api);
  retrieveAccountRoute(api);
  listCustomerAccountsRoute(api);
}
