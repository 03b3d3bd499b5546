import type { FastifyInstance } from 'fastify';
import { kazepayRoutes } from './kazepay/index.ts';
import { krezypay } from './krezypay/index.ts';
import { kwik } from './kwik/index.ts';

/**
 * The compatibility facades register their own routes (http never imports compat). KazePay's on the root context:
 * its gateway has its own error handler and its key routes are native ones. KrezyPay and Kwik each in an
 * encapsulated context with its own error shape.
 */
export async function registerFacades(app: FastifyInstance): Promise<void> {
  kazepayRoutes(app);
  await app.register(krezypay, { prefix: '/krezypay' });
  await app.register(kwik, { prefix: '/kwik' });
}
