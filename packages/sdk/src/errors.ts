import type { components } from './schema.js';

/** The closed list of error codes the Tessera API answers with (generated from its OpenAPI document). */
export type TesseraErrorCode = components['schemas']['Error']['error']['code'];

/**
 * Not a server code: the answer was not Tessera's error shape (a proxy's HTML page, a facade's own body, an
 * empty 502). Branch on it like any other code.
 */
export type UnexpectedResponseCode = 'unexpected_response';

type ErrorBody = components['schemas']['Error'];

function isErrorBody(body: unknown): body is ErrorBody {
  const error = (body as { error?: unknown } | null)?.error as Record<string, unknown> | undefined;
  return typeof error === 'object' && error !== null && typeof error.code === 'string' && typeof error.message === 'string';
}

/** A non-2xx answer of the Tessera API, typed by its stable `code`. The message never carries a secret. */
export class TesseraApiError extends Error {
  override name = 'TesseraApiError';
  readonly status: number;
  readonly code: TesseraErrorCode | UnexpectedResponseCode;
  readonly type: string;
  readonly param: string | null;
  readonly requestId: string | null;

  constructor(fields: {
    status: number; code: TesseraErrorCode | UnexpectedResponseCode; type: string; message: string; param: string | null; requestId: string | null;
  }) {
    super(fields.message);
    this.status = fields.status;
    this.code = fields.code;
    this.type = fields.type;
    this.param = fields.param;
    this.requestId = fields.requestId;
  }

  /** Build the error from an answer's status and its parsed body (anything: a non-Tessera body gives `unexpected_response`). */
  static from(response: Pick<Response, 'status' | 'headers'>, body: unknown): TesseraApiError {
    if (isErrorBody(body)) {
      const e = body.error;
      return new TesseraApiError({
        status: response.status, code: e.code, type: e.type, message: e.message, param: e.param ?? null, requestId: e.request_id ?? null,
      });
    }
    return new TesseraApiError({
      status: response.status, code: 'unexpected_response', type: 'api_error', param: null,
      message: `HTTP ${response.status}: the answer is not a Tessera error body.`,
      requestId: response.headers.get('request-id') ?? response.headers.get('x-request-id'),
    });
  }
}

/**
 * The data of a successful openapi-fetch result, or a thrown TesseraApiError. Checks the HTTP status rather
 * than `error`, because openapi-fetch leaves `error` undefined for an error answer without a body.
 */
export function unwrap<T, E>(result: { data?: T; error?: E; response: Response }): T {
  if (!result.response.ok) throw TesseraApiError.from(result.response, result.error);
  return result.data as T;
}
