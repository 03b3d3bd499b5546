import type { FastifyInstance } from 'fastify';
import { krezypay } from './krezypay/index.ts';
import { kwik } from './kwik/index.ts';

/** The compatibility facades, each in its own encapsulated context with its own error shape. */
export async function registerFacades(app: FastifyInstance): Promise<void> {
  await app.register(krezypay, { prefix: '/krezypay' });
  await app.register(kwik, { prefix: '/kwik' });
}
