import type { FastifyInstance } from 'fastify';
import { typed } from '../../../route.ts';
import { createMerchantRoute } from './create.ts';
import { listMerchantsRoute } from './list.ts';
import { retrieveMerchantRoute } from './retrieve.ts';
import { createMerchantKeyRoute } from './create-key.ts';
import { listMerchantKeysRoute } from './list-keys.ts';
import { revokeMerchantKeyRoute } from './revoke-key.ts';
import { grantLiveAccessRoute } from './grant-live-access.ts';
import { revokeLiveAccessRoute } from './revoke-live-access.ts';
import { suspendMerchantRoute } from './suspend.ts';
import { resumeMerchantRoute } from './resume.ts';

/** The operator's merchant routes under /admin/v1/merchants, each in its own file. */
export function adminMerchantRoutes(app: FastifyInstance): void {
  const api = typed(app);
  createMerchantRoute(api);
  listMerchantsRoute(api);
  retrieveMerchantRoute(api);
  createMerchantKeyRoute(api);
  listMerchantKeysRoute(api);
  revokeMerchantKeyRoute(api);
  grantLiveAccessRoute(api);
  revokeLiveAccessRoute(api);
  suspendMerchantRoute(api);
  resumeMerchantRoute(api);
}
