/**
 * The closed list of error codes that any module may raise. The HTTP layer
 * (src/http/errors.ts) maps every code to a status and a type with an
 * exhaustive switch, so adding a code here without mapping it fails typecheck.
 */
export const ERROR_CODES = [
  // request shape
  'invalid_request',
  'parameter_invalid',
  'parameter_missing',
  'unsupported_media_type',
  'body_too_large',
  'route_not_found',
  'resource_not_found',
  'method_not_allowed',
  // authentication and authorization
  'authentication_required',
  'invalid_api_key',
  'invalid_token',
  'api_key_revoked',
  'insufficient_scope',
  'live_access_required',
  'merchant_suspended',
  'admin_disabled',
  'invalid_admin_token',
  'invalid_signature',
  // idempotency
  'idempotency_key_reused',
  'idempotency_key_in_flight',
  'idempotency_key_too_long',
  // limits and state
  'rate_limited',
  'conflict',
  'resource_exists',
  'invalid_card_status',
  'card_limit_reached',
  'cardholder_name_invalid',
  'kyc_not_passed',
  'activation_locked',
  'activation_code_invalid',
  'insufficient_funds',
  'topup_unavailable',
  'clearing_exceeds_tolerance',
  'mode_mismatch',
  'sandbox_only',
  'country_not_supported',
  'recipient_blocked',
  'sms_unavailable',
  // infrastructure
  'service_unavailable',
  'internal_error',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * An expected failure that a client can act on. `param` names the offending
 * field (dotted path) when there is one. Messages must never contain secrets:
 * they are sent to clients and logged.
 */
export class DomainError extends Error {
  override name = 'DomainError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly param?: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export const notFound = (what: string, param?: string) =>
  new DomainError('resource_not_found', `No such ${what}.`, param);
