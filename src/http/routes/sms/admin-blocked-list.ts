import { listBlockedNumbers } from '../../../sms/index.ts';
import { PAGE_LIMIT_DEFAULT } from '../../../lib/pagination.ts';
import { errorResponses, listOf, PageQuery } from '../../schemas.ts';
import type { TypedApp } from '../../route.ts';
import { BlockedSchema, presentBlocked } from './admin-schemas.ts';
import { smsAdmin } from './shared.ts';

export function adminListBlockedNumbersRoute(app: TypedApp): void {
  app.get('/admin/v1/sms/blocked_numbers', {
    config: smsAdmin.config,
    schema: {
      ...smsAdmin.schema, operationId: 'admin.sms.listBlockedNumbers', summary: 'SMS block list',
      description: 'In number order; `starting_after` is the last number of the previous page.',
      querystring: PageQuery,
      response: { 200: { ...listOf(BlockedSchema), description: 'A page of blocked numbers.' }, ...errorResponses(404) },
    },
  }, async (request) => {
    const { limit = PAGE_LIMIT_DEFAULT, starting_after: startingAfter = null } = request.query;
    const page = await listBlockedNumbers(app.deps.db, { limit, startingAfter });
    return { object: 'list' as const, data: page.data.map(presentBlocked), has_more: page.hasMore };
  });
}
