import type { FastifyInstance } from 'fastify';
import { Type } from '@fastify/type-provider-typebox';
import { listAudit, type AuditRecord } from '../../../../audit/index.ts';
import { DomainError } from '../../../../lib/errors.ts';
import { PAGE_LIMIT_DEFAULT } from '../../../../lib/pagination.ts';
import { PageQuery, Timestamp, errorResponses, listOf } from '../../../schemas.ts';
import { auditRoute } from './shared.ts';

export const AuditEntrySchema = Type.Object({
  id: Type.String({ description: 'aud_…' }),
  object: Type.Literal('audit_entry'),
  seq: Type.String({ pattern: '^[0-9]+$', description: "The entry's place in the hash chain (1 is the first), as a decimal string." }),
  at: Timestamp,
  actor: Type.String({ description: "Who acted: an API key id (apikey_…), 'operator', 'system' or 'anonymous'." }),
  action: Type.String({ description: 'What was done, e.g. `api_key.create`, `card.reveal`, `merchant.suspend`, `auth.failure`.' }),
  target: Type.Union([Type.String(), Type.Null()], { description: 'The object acted on (an id, or a route for failed authentications).' }),
  result: Type.Union([Type.Literal('success'), Type.Literal('failure')]),
  origin: Type.Union([Type.String(), Type.Null()], { description: 'The client address.' }),
  details: Type.Record(Type.String(), Type.Unknown(), { description: 'Ids, modes, reasons: never secrets.' }),
  hash: Type.String({ description: "Hex SHA-256 of the previous entry's hash and this entry." }),
}, { title: 'AuditEntry' });

const FILTER_LENGTH_MAX = 200;
const filter = (description: string) => Type.Optional(Type.String({ minLength: 1, maxLength: FILTER_LENGTH_MAX, description }));

export const presentAuditEntry = (e: AuditRecord) => ({
  id: e.id, object: 'audit_entry' as const, seq: e.seq.toString(), at: e.at.toISOString(), actor: e.actor, action: e.action,
  target: e.target, result: e.result, origin: e.origin, details: e.details, hash: e.hash.toString('hex'),
});

export function listAuditRoute(app: FastifyInstance): void {
  app.get('/admin/v1/audit_log', {
    ...auditRoute,
    schema: {
      ...auditRoute.schema, summary: 'Read the audit log',
      description: 'Entries newest first (in chain order), with cursor pagination (`starting_after` is an entry id). Filters are '
        + 'exact and combine: `actor`, `action`, `target` (the object acted on), and the time range `from` (inclusive) to `to` '
        + "(exclusive). An entry's time is the acting merchant's (a sandbox test clock moves it).",
      querystring: Type.Object({
        ...PageQuery.properties,
        actor: filter("An API key id (apikey_…), 'operator', 'system' or 'anonymous'."),
        action: filter('An action, e.g. `api_key.revoke`.'),
        target: filter('The object acted on, e.g. a merchant, key or card id.'),
        from: Type.Optional(Type.String({ format: 'date-time', description: 'Entries at or after this time.' })),
        to: Type.Optional(Type.String({ format: 'date-time', description: 'Entries before this time.' })),
      }, { additionalProperties: false }),
      response: { 200: listOf(AuditEntrySchema), ...errorResponses() },
    },
  }, async (request) => {
    const q = request.query as {
      limit?: number; starting_after?: string; actor?: string; action?: string; target?: string; from?: string; to?: string;
    };
    const from = q.from === undefined ? null : new Date(q.from);
    const to = q.to === undefined ? null : new Date(q.to);
    if (from && to && from >= to) throw new DomainError('parameter_invalid', '`to` must be after `from`.', 'to');
    const page = await listAudit(app.deps.db, { actor: q.actor, action: q.action, target: q.target, from, to }, {
      limit: q.limit ?? PAGE_LIMIT_DEFAULT, startingAfter: q.starting_after ?? null,
    });
    return { object: 'list' as const, data: page.data.map(presentAuditEntry), has_more: page.hasMore };
  });
}
