import type { FastifyInstance } from 'fastify';
import { typed } from '../../route.ts';
import { createApiKeyRoute } from './create.ts';
import { listApiKeysRoute } from './list.ts';
import { revokeApiKeyRoute } from './revoke.ts';

/** Self-service keys (issue 12, item 5): POST, GET and DELETE /v1/api_keys, each in its own file. */
export function apiKeyRoutes(app: FastifyInstance): void {
  const api = typed(app);
  createApiKeyRoute(api);
  listApiKeysRoute(api);
  revokeApiKeyRoute(api);
}
