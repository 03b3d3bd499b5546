import { Type } from '@fastify/type-provider-typebox';
import { listAudit } from '../../../../audit/index.ts';
import { DomainError } from '../../../../lib/errors.ts';
import { PAGE_LIMIT_DEFAULT } from '../../../../lib/pagination.ts';
import { AuditEntrySchema, presentAuditEntry } from '../../../presenters/audit.ts';
import { PageQuery, errorResponses, listOf } from '../../../schemas.ts';
import type { TypedApp } from '../../../route.ts';
import { auditRoute } from './schemas.ts';

/** Why 200: ids, actions and routes are far shorter; a longer filter is a mistake, refused before the query. */
const FILTER_LENGTH_MAX = 200;
const filter = (description: string) => Type.Optional(Type.String({ minLength: 1, maxLength: FILTER_LENGTH_MAX, description }));

export const ListAuditQuery = Type.Object({
  ...PageQuery.properties,
  actor: filter("An API key id (apikey_…), 'operator', 'system' or 'anonymous'."),
  action: filter('An action, e.g. `api_key.revoke`.'),
  target: filter('The object acted on, e.g. a merchant, key or card id.'),
  from: Type.Optional(Type.String({ format: 'date-time', description: 'Entries at or after this time.' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'Entries before this time.' })),
}, { additionalProperties: false });

export function listAuditRoute(app: TypedApp): void {
  app.get('/admin/v1/audit_log', {
    config: auditRoute.config,
    schema: {
      ...auditRoute.schema, operationId: 'admin.auditLog.list', summary: 'Read the audit log',
      description: 'Entries newest first (in chain order), with cursor pagination (`starting_after` is an entry id). Filters are '
        + 'exact and combine: `actor`, `action`, `target` (the object acted on), and the time range `from` (inclusive) to `to` '
        + "(exclusive). An entry's time is the acting merchant's (a sandbox test clock moves it).",
      querystring: ListAuditQuery,
      response: { 200: listOf(AuditEntrySchema), ...errorResponses() },
    },
  }, async (request) => {
    const { limit = PAGE_LIMIT_DEFAULT, starting_after: startingAfter = null, actor, action, target } = request.query;
    const from = request.query.from === undefined ? null : new Date(request.query.from);
    const to = request.query.to === undefined ? null : new Date(request.query.to);
    if (from && to && from >= to) throw new DomainError('parameter_invalid', '`to` must be after `from`.', 'to');
    const page = await listAudit(app.deps.db, { actor, action, target, from, to }, { limit, startingAfter });
    return { object: 'list' as const, data: page.data.map(presentAuditEntry), has_more: page.hasMore };
  });
}
