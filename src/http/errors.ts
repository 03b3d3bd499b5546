import { DomainError, type ErrorCode } from '../lib/errors.ts';

/**
 * The error registry: every code maps to one HTTP status and one type. The
 * switch is exhaustive, so a new code without a mapping fails typecheck.
 */
export type ErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'idempotency_error'
  | 'rate_limit_error'
  | 'api_error';

export interface ErrorSpec {
  status: number;
  type: ErrorType;
}

export function errorSpec(code: ErrorCode): ErrorSpec {
  switch (code) {
    case 'invalid_request':
    case 'parameter_invalid':
    case 'parameter_missing':
      return { status: 400, type: 'invalid_request_error' };
    case 'idempotency_key_too_long':
      return { status: 400, type: 'idempotency_error' };
    case 'authentication_required':
    case 'invalid_api_key':
    case 'invalid_token':
    case 'api_key_revoked':
    case 'invalid_admin_token':
    case 'invalid_signature':
      return { status: 401, type: 'authentication_error' };
    case 'insufficient_scope':
    case 'live_access_required':
    case 'merchant_suspended':
    case 'mode_mismatch':
    case 'sandbox_only':
      return { status: 403, type: 'permission_error' };
    case 'resource_not_found':
    case 'route_not_found':
    case 'admin_disabled':
      return { status: 404, type: 'invalid_request_error' };
    case 'method_not_allowed':
      return { status: 405, type: 'invalid_request_error' };
    case 'conflict':
    case 'resource_exists':
    case 'invalid_card_status':
      return { status: 409, type: 'invalid_request_error' };
    case 'idempotency_key_in_flight':
      return { status: 409, type: 'idempotency_error' };
    case 'body_too_large':
      return { status: 413, type: 'invalid_request_error' };
    case 'unsupported_media_type':
      return { status: 415, type: 'invalid_request_error' };
    case 'idempotency_key_reused':
      return { status: 422, type: 'idempotency_error' };
    case 'card_limit_reached':
    case 'cardholder_name_invalid':
    case 'kyc_not_passed':
    case 'activation_locked':
    case 'activation_code_invalid':
    case 'insufficient_funds':
    case 'topup_unavailable':
    case 'clearing_exceeds_tolerance':
    case 'country_not_supported':
    case 'recipient_blocked':
    case 'sms_unavailable':
      return { status: 422, type: 'invalid_request_error' };
    case 'rate_limited':
      return { status: 429, type: 'rate_limit_error' };
    case 'service_unavailable':
      return { status: 503, type: 'api_error' };
    case 'internal_error':
      return { status: 500, type: 'api_error' };
  }
}

/**
 * Why 1 s: an outage is noticed per request and recovery takes effect on the next connection, so a client that waits
 * a second either succeeds or learns the outage goes on; longer only delays recovery (the target is 2 s).
 */
export const SERVICE_UNAVAILABLE_RETRY_AFTER_S = 1;

/** The Retry-After (seconds) that goes with an error, or null: only transient failures have one (429 sets its own). */
export function retryAfterSeconds(code: ErrorCode): number | null {
  return code === 'service_unavailable' ? SERVICE_UNAVAILABLE_RETRY_AFTER_S : null;
}

export interface ErrorBody {
  error: { type: ErrorType; code: ErrorCode; message: string; param: string | null; request_id: string };
}

export function errorBody(err: DomainError, requestId: string): { status: number; body: ErrorBody } {
  const spec = errorSpec(err.code);
  return {
    status: spec.status,
    body: { error: { type: spec.type, code: err.code, message: err.message, param: err.param ?? null, request_id: requestId } },
  };
}
