import { Type, type TSchema } from '@fastify/type-provider-typebox';
import { KwikFailureSchema } from './present.ts';

/** Kwik's two operations: a merchant key (its paths are outside /v1, where that is the default), its tag. */
export const kwikRoute = {
  config: { auth: 'merchant' },
  schema: { tags: ['Kwik compatibility'], security: [{ apiKey: [] }] },
} as const;

const FAILURES: Record<number, [description: string, message: string]> = {
  400: ['A field or query parameter is invalid (named in the message).', 'The card_status is not one of ACTIVE, ARCHIVED, DISABLED, EXPIRED.'],
  401: ['The key is missing, invalid or revoked.', 'The API key is not valid.'],
  403: ['The key lacks the scope, or the merchant lacks live access or is suspended.', 'This API key lacks the `write` scope that this request needs.'],
  404: ['No such card (those of other merchants answer the same way); `index` names the record.', 'No such card.'],
  409: ['The card\'s state refuses the change, or the same Idempotency-Key is in flight; `index` names the record.',
    'Record 0: a card becomes EXPIRED only when its expiry date passes.'],
  422: ['The batch cannot be carried out (e.g. an Idempotency-Key reused with another body); `index` names the record.',
    'This Idempotency-Key was used with a different request; use a new key.'],
  429: ['Rate limited; retry after the Retry-After header.', 'Too many requests; retry in 1 seconds.'],
  503: ['Briefly unavailable: retry after the Retry-After header, with the same Idempotency-Key.',
    'The service is briefly unavailable; retry after the time in Retry-After, with the same Idempotency-Key.'],
};

/** Kwik's `{"status": false, "message": …}` for each status a route can answer (the native API's statuses). */
export function kwikFailures(...statuses: (keyof typeof FAILURES)[]): Record<number, TSchema> {
  const out: Record<number, TSchema> = {};
  for (const status of [...new Set([400, 401, 403, 429, 503, ...statuses])].sort()) {
    const [description, message] = FAILURES[status]!;
    out[status] = Type.Object(KwikFailureSchema.properties, { title: 'KwikFailure', description, examples: [{ status: false, message }] });
  }
  return out;
}
