import type { FastifyInstance } from 'fastify';
import { typed } from '../../route.ts';
import { advanceTestClockRoute } from './advance.ts';

/** The sandbox merchant's test clock. */
export function testClockRoutes(app: FastifyInstance): void {
  advanceTestClockRoute(typed(app));
}
