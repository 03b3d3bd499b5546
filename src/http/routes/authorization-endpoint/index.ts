import type { FastifyInstance } from 'fastify';
import { typed } from '../../route.ts';
import { deleteAuthorizationEndpointRoute } from './delete.ts';
import { retrieveAuthorizationEndpointRoute } from './retrieve.ts';
import { setAuthorizationEndpointRoute } from './set.ts';

/** The merchant's real-time decision endpoint: set, read, remove. */
export function authorizationEndpointRoutes(app: FastifyInstance): void {
  const api = typed(app);
  setAuthorizationEndpointRoute(api);
  retrieveAuthorizationEndpointRoute(api);
  deleteAuthorizationEndpointRoute(api);
}
