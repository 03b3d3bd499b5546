import { DomainError } from '../../../../lib/errors.ts';
import { listLiveAccessRequests } from '../../../../live-access/index.ts';
import { principalOf } from '../../../../http/plugins/auth.ts';
import type { TypedApp } from '../../../../http/route.ts';
import { ProductionAccessSchema, krezyRequest } from '../../production-access.ts';
import { krezyConfig, krezyErrors, krezyRoute } from '../../schemas.ts';

export function retrieveProductionAccessRoute(app: TypedApp): void {
  const { db } = app.deps;
  app.get('/v1/:mode/production_access', {
    config: krezyConfig,
    schema: {
      ...krezyRoute, operationId: 'krezypay.retrieveProductionAccess', summary: 'KrezyPay: production access status',
      description: 'The latest request and its status (pending, approved, or rejected with a `reason`); 404 before the first request.',
      response: { 200: ProductionAccessSchema, ...krezyErrors },
    },
  }, async (request) => {
    const page = await listLiveAccessRequests(db, { merchantId: principalOf(request).merchantId }, { limit: 1, startingAfter: null });
    const [latest] = page.data;
    if (!latest) throw new DomainError('resource_not_found', 'No production access request yet.');
    return krezyRequest(latest);
  });
}
