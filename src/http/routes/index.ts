import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { systemRoutes } from './system/index.ts';
import { createToken } from './auth/token.ts';
import { getCallingMerchant } from './auth/merchant.ts';
import { createMerchantRoute } from './admin/merchants/create.ts';
import { listMerchantsRoute } from './admin/merchants/list.ts';
import { merchantKeyRoutes } from './admin/merchants/keys.ts';
import { grantLiveAccessRoute } from './admin/merchants/live-access.ts';
import { customerRoutes } from './customers/index.ts';
import { kycRoutes } from './kyc/index.ts';
import { accountRoutes } from './accounts/index.ts';
import { cardRoutes } from './cards/index.ts';
import { cardAdminRoutes } from './cards/admin.ts';

export function registerRoutes(app: FastifyInstance, metrics: Registry): void {
  systemRoutes(app, metrics);
  createToken(app);
  getCallingMerchant(app);
  createMerchantRoute(app);
  listMerchantsRoute(app);
  merchantKeyRoutes(app);
  grantLiveAccessRoute(app);
  customerRoutes(app);
  kycRoutes(app);
  accountRoutes(app);
  cardRoutes(app);
  cardAdminRoutes(app);
}
