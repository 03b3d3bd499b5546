import type { FastifyInstance } from 'fastify';
import { typed } from '../../route.ts';
import { createEndpointRoute } from './create.ts';
import { listEndpointsRoute } from './list.ts';
import { retrieveEndpointRoute } from './retrieve.ts';
import { updateEndpointRoute } from './update.ts';
import { deleteEndpointRoute } from './delete.ts';
import { rotateSecretRoute } from './rotate-secret.ts';
import { listDeliveriesRoute } from './list-deliveries.ts';

/** Webhook endpoints and their delivery attempts, each route in its own file. */
export function webhookEndpointRoutes(app: FastifyInstance): void {
  const api = typed(app);
  createEndpointRoute(api);
  listEndpointsRoute(api);
  retrieveEndpointRoute(api);
  updateEndpointRoute(api);
  deleteEndpointRoute(api);
  rotateSecretRoute(api);
  listDeliveriesRoute(api);
}
