import { Type } from '@fastify/type-provider-typebox';
import { listFxRates } from '../../../fees/index.ts';
import { errorResponses } from '../../schemas.ts';
import type { TypedApp } from '../../route.ts';
import { adminMoneyDoc } from '../fee-schedules/schemas.ts';
import { DatedRateSchema } from './schemas.ts';

export function listFxRatesRoute(app: TypedApp): void {
  app.get('/admin/v1/fx_rates', {
    config: { auth: 'admin' },
    schema: {
      ...adminMoneyDoc, operationId: 'admin.fxRates.list', summary: 'FX rates',
      description: 'Every rate the operator has set, by `from` then `to`, with when it was last set. A pair without a rate declines '
        + 'authorizations that need it (`currency_not_supported`). The whole table: rates are few, so it is not paged.',
      querystring: Type.Object({}, { additionalProperties: false }),
      response: {
        200: Type.Object({ object: Type.Literal('list'), data: Type.Array(DatedRateSchema), has_more: Type.Boolean() }),
        ...errorResponses(),
      },
    },
  }, async () => ({
    object: 'list' as const, has_more: false,
    data: (await listFxRates(app.deps.db)).map(({ from, to, rate, updatedAt }) => ({ from, to, rate, updated_at: updatedAt.toISOString() })),
  }));
}
