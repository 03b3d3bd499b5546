import type { FastifyInstance } from 'fastify';
import { typed } from '../../route.ts';
import { clearAuthorizationRoute } from './clear.ts';
import { incrementAuthorizationRoute } from './increment.ts';
import { retrieveAuthorizationRoute } from './retrieve.ts';
import { reverseAuthorizationRoute } from './reverse.ts';
import { simulateAuthorizationRoute } from './simulate.ts';

/** Authorizations: the sandbox simulator and its lifecycle (increment, clear, reverse), and the read with its history. */
export function authorizationRoutes(app: FastifyInstance): void {
  const api = typed(app);
  simulateAuthorizationRoute(api);
  incrementAuthorizationRoute(api);
  clearAuthorizationRoute(api);
  reverseAuthorizationRoute(api);
  retrieveAuthorizationRoute(api);
}
