import type { FastifyInstance } from 'fastify';
import { createApiKeyRoute } from './create.ts';
import { listApiKeysRoute } from './list.ts';
import { revokeApiKeyRoute } from './revoke.ts';

/** Self-service keys (issue 12, item 5): POST, GET and DELETE /v1/api_keys, each in its own file. */
export function apiKeyRoutes(app: FastifyInstance): void {
  createApiKeyRoute(app);
  listApiKeysRoute(app);
  revokeApiKeyRoute(app);
}
