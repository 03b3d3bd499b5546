import type { FastifyInstance } from 'fastify';
import { typed } from '../../route.ts';
import { createCustomerRoute } from './create.ts';
import { listCustomersRoute } from './list.ts';
import { retrieveCustomerRoute } from './retrieve.ts';
import { updateCustomerRoute } from './update.ts';

/** Customers (cardholders): create, retrieve, list, update; each route in its own file. */
export function customerRoutes(app: FastifyInstance): void {
  const api = typed(app);
  createCustomerRoute(api);
  retrieveCustomerRoute(api);
  listCustomersRoute(api);
  updateCustomerRoute(api);
}
