import type { FastifyInstance } from 'fastify';
import { typed } from '../../route.ts';
import { adminApproveLiveAccessRequestRoute } from './admin-approve.ts';
import { adminListLiveAccessRequestsRoute } from './admin-list.ts';
import { adminRejectLiveAccessRequestRoute } from './admin-reject.ts';
import { adminRetrieveLiveAccessRequestRoute } from './admin-retrieve.ts';

/** The operator's review of production access requests; each route in its own file. */
export function liveAccessAdminRoutes(app: FastifyInstance): void {
  const api = typed(app);
  adminListLiveAccessRequestsRoute(api);
  adminRetrieveLiveAccessRequestRoute(api);
  adminApproveLiveAccessRequestRoute(api);
  adminRejectLiveAccessRequestRoute(api);
}
