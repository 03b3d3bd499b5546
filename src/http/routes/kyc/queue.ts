import { Type } from '@fastify/type-provider-typebox';
import { kycQueue } from '../../../kyc/index.ts';
import { PAGE_LIMIT_DEFAULT } from '../../../lib/pagination.ts';
import { KycQueueEntrySchema, presentKycQueueEntry } from '../../presenters/kyc.ts';
import { PageQuery, errorResponses, listOf } from '../../schemas.ts';
import type { TypedApp } from '../../route.ts';
import { kycAdmin } from './shared.ts';

export const KycQueueQuery = Type.Object({
  ...PageQuery.properties,
  status: Type.Optional(Type.Union([Type.Literal('WAITING_KYC'), Type.Literal('PASSED'), Type.Literal('REJECTED')])),
}, { additionalProperties: false });

export function kycQueueRoute(app: TypedApp): void {
  app.get('/admin/v1/kyc', {
    config: kycAdmin.config,
    schema: {
      ...kycAdmin.schema, operationId: 'admin.kyc.list', summary: 'KYC review queue',
      description: 'Submissions in a status (default WAITING_KYC), oldest first, across merchants.',
      querystring: KycQueueQuery,
      response: { 200: { ...listOf(KycQueueEntrySchema), description: 'A page of submissions.' }, ...errorResponses() },
    },
  }, async (request) => {
    const { limit = PAGE_LIMIT_DEFAULT, starting_after: startingAfter = null, status = 'WAITING_KYC' } = request.query;
    const page = await kycQueue(app.deps.db, status, { limit, startingAfter });
    return { object: 'list' as const, data: page.data.map(presentKycQueueEntry), has_more: page.hasMore };
  });
}
