import type { FastifyInstance } from 'fastify';
import { Type } from '@fastify/type-provider-typebox';
import { getSms, listSms, presentSms } from '../../../sms/index.ts';
import { PAGE_LIMIT_DEFAULT } from '../../../lib/pagination.ts';
import { ownerOf } from '../../plugins/auth.ts';
import { errorResponses, listOf, PageQuery } from '../../schemas.ts';
import { security, SmsSchema, SmsStatusSchema, tags, typed } from './shared.ts';

export function listSmsRoutes(app: FastifyInstance): void {
  const { db } = app.deps;
  typed(app).get('/v1/sms', {
    schema: {
      tags, security, summary: 'List SMS', description: 'Newest first, in the key\'s mode; `status` keeps one state.',
      querystring: Type.Object({ ...PageQuery.properties, status: Type.Optional(SmsStatusSchema) }, { additionalProperties: false }),
      response: { 200: listOf(SmsSchema), ...errorResponses(403) },
    },
  }, async (request) => {
    const { limit = PAGE_LIMIT_DEFAULT, starting_after: startingAfter = null, status = null } = request.query;
    const page = await listSms(db, ownerOf(request), status, { limit, startingAfter });
    return { object: 'list' as const, data: page.data.map(presentSms), has_more: page.hasMore };
  });

  typed(app).get('/v1/sms/:id', {
    schema: {
      tags, security, summary: 'Retrieve an SMS', description: 'One SMS; another merchant\'s, or the other mode\'s, answers 404.',
      params: Type.Object({ id: Type.String({ maxLength: 64, description: 'sms_…' }) }),
      response: { 200: SmsSchema, ...errorResponses(403, 404) },
    },
  }, async (request) => presentSms(await getSms(db, ownerOf(request), request.params.id)));
}
