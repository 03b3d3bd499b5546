import { IDEMPOTENCY_KEY_LENGTH_MAX } from '../plugins/idempotency.ts';

/**
 * The request and response headers every operation shares, as reusable
 * OpenAPI components (`#/components/parameters/…`, `#/components/headers/…`).
 * The document transform references them from each operation; they describe
 * what the plugins do (idempotency.ts, signatures.ts, rate-limit.ts, app.ts).
 */

const ref = (kind: 'parameters' | 'headers', name: string) => ({ $ref: `#/components/${kind}/${name}` });

export const PARAMETERS = {
  IdempotencyKey: {
    name: 'Idempotency-Key',
    in: 'header',
    required: false,
    description: `Makes a retry safe: a retry with the same key and body replays the first response (with \`Idempotent-Replayed: true\`) `
      + `instead of acting twice. Keys are kept 24 hours, per merchant and mode; the same key with another body, or from `
      + `another API key, is a 422 `
      + `\`idempotency_key_reused\`, a retry while the first request runs a 409 \`idempotency_key_in_flight\`. A UUID v4 is a good key.`,
    schema: { type: 'string', minLength: 1, maxLength: IDEMPOTENCY_KEY_LENGTH_MAX },
    example: '5f0c7a8e-2b1d-4c3a-9e6f-8d7b6a5c4e3f',
  },
  Signature: {
    name: 'Signature',
    in: 'header',
    required: false,
    description: 'RFC 9421 HTTP message signature (Ed25519) by one of the merchant\'s registered signing keys. Required on every '
      + 'mutating request once the merchant has registered a key or turned on `require_signatures`; a missing or invalid '
      + 'signature is then a 401 `invalid_signature`.',
    schema: { type: 'string' },
    example: 'sig1=:wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==:',
  },
  SignatureInput: {
    name: 'Signature-Input',
    in: 'header',
    required: false,
    description: 'RFC 9421 signature parameters. Must cover `@method`, `@target-uri`, `content-digest` and `idempotency-key` (and '
      + '`content-type` when there is a body), with `created` (at most 300 seconds old), `keyid` (the `key_…` id of the registered key), `alg="ed25519"` and a single-use `nonce`.',
    schema: { type: 'string' },
    example: 'sig1=("@method" "@target-uri" "content-digest" "idempotency-key" "content-type");created=1795780800;'
      + 'keyid="key_01kaqm3c7pfk8sx2wd0yq4ne5h";alg="ed25519";nonce="3q9Jd1Xw0ZbL7uYp"',
  },
  ContentDigest: {
    name: 'Content-Digest',
    in: 'header',
    required: false,
    description: 'RFC 9530 digest of the exact body bytes, `sha-256` or `sha-512`; covered by the signature, so required with it '
      + '(an empty body has the digest of zero bytes).',
    schema: { type: 'string' },
    example: 'sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:',
  },
} as const;

export const HEADERS = {
  RequestId: {
    description: 'The id of this request (`req_…`), on every response; quote it when asking the operator about a request.',
    schema: { type: 'string' },
    example: 'req_01kaqm3c7pfk8sx2wd0yq4ne5h',
  },
  IdempotentReplayed: {
    description: '`true` when this response is the stored answer to an earlier request with the same `Idempotency-Key`.',
    schema: { type: 'string', enum: ['true'] },
  },
  RetryAfter: {
    description: 'Seconds to wait before retrying (retry with the same `Idempotency-Key`).',
    schema: { type: 'integer', minimum: 0 },
    example: 1,
  },
  RateLimitLimit: {
    description: 'Requests allowed in the current window by the limit closest to being reached (per key, address or operator).',
    schema: { type: 'integer', minimum: 0 },
    example: 100,
  },
  RateLimitRemaining: {
    description: 'Requests left in the current window of that limit.',
    schema: { type: 'integer', minimum: 0 },
    example: 99,
  },
  RateLimitReset: {
    description: 'Seconds until that window resets.',
    schema: { type: 'integer', minimum: 0 },
    example: 1,
  },
} as const;

export const parameterRef = (name: keyof typeof PARAMETERS) => ref('parameters', name);
export const headerRef = (name: keyof typeof HEADERS) => ref('headers', name);

/** Response headers by the response's status and whether the operation replays under an Idempotency-Key. */
export function responseHeaders(status: string, replayable: boolean): Record<string, { $ref: string }> {
  const out: Record<string, { $ref: string }> = {
    'Request-Id': headerRef('RequestId'),
    'RateLimit-Limit': headerRef('RateLimitLimit'),
    'RateLimit-Remaining': headerRef('RateLimitRemaining'),
    'RateLimit-Reset': headerRef('RateLimitReset'),
  };
  if (status === '429' || status === '503') out['Retry-After'] = headerRef('RetryAfter');
  if (replayable && /^2/.test(status)) out['Idempotent-Replayed'] = headerRef('IdempotentReplayed');
  return out;
}
