import type { FastifyInstance } from 'fastify';
import { typed } from '../../route.ts';
import { createTokenRoute } from './create-token.ts';
import { retrieveCallingMerchantRoute } from './retrieve-merchant.ts';

/** POST /v1/auth/token and GET /v1/merchant: what a credential is and how to get a short-lived one. */
export function authRoutes(app: FastifyInstance): void {
  const api = typed(app);
  createTokenRoute(api);
  retrieveCallingMerchantRoute(api);
}
