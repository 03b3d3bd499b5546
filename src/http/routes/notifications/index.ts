import type { FastifyInstance } from 'fastify';
import { typed } from '../../route.ts';
import { listSandboxNotificationsRoute } from './list.ts';

/** What Tessera sent to cardholders, as the sandbox shows it. */
export function notificationRoutes(app: FastifyInstance): void {
  listSandboxNotificationsRoute(typed(app));
}
