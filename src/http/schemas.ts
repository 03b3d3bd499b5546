import { Type, type TSchema } from '@fastify/type-provider-typebox';
import { PAGE_LIMIT_DEFAULT, PAGE_LIMIT_MAX } from '../lib/pagination.ts';
import { ERROR_CODES } from '../lib/errors.ts';

export const ErrorSchema = Type.Object(
  {
    error: Type.Object({
      type: Type.String({ description: 'Broad class: invalid_request_error, authentication_error, permission_error, idempotency_error, rate_limit_error, api_error.' }),
      code: Type.Union(ERROR_CODES.map((c) => Type.Literal(c)), { description: 'Stable, machine-readable code; branch on this, not on the message.' }),
      message: Type.String({ description: 'Human-readable explanation; never contains secrets.' }),
      param: Type.Union([Type.String(), Type.Null()], { description: 'The offending field (dotted path), when there is one.' }),
      request_id: Type.String({ description: 'Quote this id when asking the operator about a request.' }),
    }),
  },
  { $id: 'Error', title: 'Error' },
);

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request: the `param` field names the offending parameter.',
  401: 'Missing, malformed, revoked or expired credentials.',
  403: 'The key lacks a scope, or the merchant lacks live access or is suspended.',
  404: 'No such object (objects of other merchants answer the same way).',
  409: 'Conflict: an illegal state change, or the same Idempotency-Key is in flight.',
  413: 'The request body is over 1 MiB.',
  415: 'The Content-Type is not application/json.',
  422: 'The request is well-formed but cannot be carried out (e.g. Idempotency-Key reused with another body).',
  429: 'Rate limited; retry after the Retry-After header.',
  503: 'Briefly unavailable (the database cannot be reached, or the outcome of a commit is unknown): retry after the Retry-After header, with the same Idempotency-Key.',
};

/** Error responses for a route's OpenAPI entry. 400, 401, 429 and 503 apply to every authenticated route. */
export function errorResponses(...statuses: number[]): Record<number, TSchema> {
  const out: Record<number, TSchema> = {};
  for (const s of [...new Set([400, 401, 429, 503, ...statuses])].sort()) {
    out[s] = Type.Ref('Error', { description: ERROR_DESCRIPTIONS[s] ?? 'Error.' }) as unknown as TSchema;
  }
  return out;
}

export const PageQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: PAGE_LIMIT_MAX, default: PAGE_LIMIT_DEFAULT, description: `Page size, 1–${PAGE_LIMIT_MAX}.` })),
    starting_after: Type.Optional(Type.String({ maxLength: 64, description: 'Cursor: the id of the last object of the previous page.' })),
  },
  { additionalProperties: false },
);

export function listOf<T extends TSchema>(item: T) {
  return Type.Object({
    object: Type.Literal('list'),
    data: Type.Array(item),
    has_more: Type.Boolean(),
  });
}

export const Timestamp = Type.String({ format: 'date-time' });

/** The same schema with the description of the response it is (e.g. "The card after the change."), keeping its examples. */
export const describedAs = <T extends TSchema>(schema: T, description: string): T => ({ ...schema, description });
