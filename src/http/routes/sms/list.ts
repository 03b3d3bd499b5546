import { Type } from '@fastify/type-provider-typebox';
import { listSms } from '../../../sms/index.ts';
import { PAGE_LIMIT_DEFAULT } from '../../../lib/pagination.ts';
import { ownerOf } from '../../plugins/auth.ts';
import { errorResponses, listOf, PageQuery } from '../../schemas.ts';
import type { TypedApp } from '../../route.ts';
import { presentSmsBody, SmsSchema, smsSchema, SmsStatusSchema } from './shared.ts';

export const ListSmsQuery = Type.Object({ ...PageQuery.properties, status: Type.Optional(SmsStatusSchema) }, { additionalProperties: false });

export function listSmsRoute(app: TypedApp): void {
  app.get('/v1/sms', {
    schema: {
      ...smsSchema, operationId: 'sms.list', summary: 'List SMS', description: "Newest first, in the key's mode; `status` keeps one state.",
      querystring: ListSmsQuery,
      response: { 200: { ...listOf(SmsSchema), description: 'A page of SMS.' }, ...errorResponses(403) },
    },
  }, async (request) => {
    const { limit = PAGE_LIMIT_DEFAULT, starting_after: startingAfter = null, status = null } = request.query;
    const page = await listSms(app.deps.db, ownerOf(request), status, { limit, startingAfter });
    return { object: 'list' as const, data: page.data.map(presentSmsBody), has_more: page.hasMore };
  });
}
