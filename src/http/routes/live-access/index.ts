import type { FastifyInstance } from 'fastify';
import { typed } from '../../route.ts';
import { listLiveAccessRequestsRoute } from './list.ts';
import { requestLiveAccessRoute } from './request.ts';
import { retrieveLiveAccessRequestRoute } from './retrieve.ts';

/** A merchant's requests for production access: asked with a sandbox key (live keys work only once approved). */
export function liveAccessRoutes(app: FastifyInstance): void {
  const api = typed(app);
  requestLiveAccessRoute(api);
  listLiveAccessRequestsRoute(api);
  retrieveLiveAccessRequestRoute(api);
}
