import { Type } from '@fastify/type-provider-typebox';
import { listPrices } from '../../../sms/index.ts';
import { errorResponses } from '../../schemas.ts';
import type { TypedApp } from '../../route.ts';
import { PriceList, presentPrice } from './admin-schemas.ts';
import { ModeSchema, smsAdmin } from './shared.ts';

export function adminListSmsPricesRoute(app: TypedApp): void {
  app.get('/admin/v1/sms/prices', {
    config: smsAdmin.config,
    schema: {
      ...smsAdmin.schema, operationId: 'admin.sms.listPrices', summary: 'SMS price table',
      description: 'The price per segment of each destination country, for one mode (default live).',
      querystring: Type.Object({ mode: Type.Optional(ModeSchema) }, { additionalProperties: false }),
      response: { 200: PriceList, ...errorResponses(404) },
    },
  }, async (request) => ({ object: 'list' as const, has_more: false, data: (await listPrices(app.deps.db, request.query.mode ?? 'live')).map(presentPrice) }));
}
