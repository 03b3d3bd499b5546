import type { FastifyInstance } from 'fastify';
import { createTesseraClient, TesseraApiError, type TesseraClient } from '@tessera/sdk';

/**
 * The dashboard's only door into Tessera: the public HTTP API through the SDK (`@tessera/sdk`), called in-process.
 * Paths, parameters, bodies and answers are typed by the server's OpenAPI document; the SDK adds the credential,
 * an `Idempotency-Key` on every mutation, and retries.
 */

export type ApiClient = TesseraClient;
export type ApiError = TesseraApiError;
type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** The origin the in-process requests are addressed to; never resolved, never leaves the process. */
export const INTERNAL_BASE_URL = 'http://tessera.internal';

/**
 * A `fetch` over Fastify's `inject()`: the request runs through the whole API pipeline (auth, rate limits,
 * idempotency, validation) without a socket. `remoteAddress` is the browser's, so that the API's per-address
 * limits (failed authentications above all) count the person at the dashboard, not the server itself.
 */
export function injectFetch(app: FastifyInstance, remoteAddress: string): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => {
      headers[name] = value;
    });
    const body = request.body === null ? undefined : Buffer.from(await request.arrayBuffer());
    const res = await app.inject({
      method: request.method as Method, url: url.pathname + url.search, headers, remoteAddress,
      ...(body === undefined ? {} : { payload: body }),
    });
    const out = new Headers();
    for (const [name, value] of Object.entries(res.headers)) {
      if (value === undefined) continue;
      for (const v of Array.isArray(value) ? value : [String(value)]) out.append(name, v);
    }
    const nullBody = res.statusCode === 204 || res.statusCode === 304;
    return new Response(nullBody ? null : res.rawPayload, { status: res.statusCode, headers: out });
  };
}

/**
 * Why one retry, and only after a wait of at most 2 s: a person is waiting for the page. The SDK retries 429 and 503
 * (and network errors, which inject() does not have) with the request's own Idempotency-Key, so a retried mutation is
 * replayed by the server, never done twice; a longer Retry-After ends the retries and the page shows the API's message.
 */
export const DASHBOARD_RETRIES = 1;
const RETRY_WAIT_MAX_MS = 2_000;
const RETRY_BASE_DELAY_MS = 100;

export interface Credential {
  kind: 'operator' | 'merchant';
  secret: string;
}

/**
 * A client for one credential (an API key or the admin token), routed through `fetchImpl`. `idempotencyKey` makes the
 * key of each mutation (the SDK's default is a random UUID): form posts derive it from the form, see `formKeys`.
 */
export function apiClient(credential: Credential, fetchImpl: typeof fetch, idempotencyKey?: () => string): ApiClient {
  return createTesseraClient({
    baseUrl: INTERNAL_BASE_URL, fetch: fetchImpl, retries: DASHBOARD_RETRIES,
    retryBaseDelayMs: RETRY_BASE_DELAY_MS, retryMaxDelayMs: RETRY_WAIT_MAX_MS,
    ...(credential.kind === 'operator' ? { adminToken: credential.secret } : { apiKey: credential.secret }),
    ...(idempotencyKey ? { idempotencyKey } : {}),
  });
}

/** A form's one-time id (a UUID written into every form the dashboard renders). */
export const FORM_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The Idempotency-Keys of one form post: `dashboard:<form id>:<n>` for its n-th mutation. A form sent twice (a double
 * click, the browser re-posting it) sends the same keys, so the API replays the first answer instead of doing the
 * change again; a form rendered afresh has a new id. Without a valid form id, random keys (the SDK's default).
 */
export function formKeys(formId: string): (() => string) | undefined {
  if (!FORM_ID_PATTERN.test(formId)) return undefined;
  let n = 0;
  return () => `dashboard:${formId}:${n++}`;
}

/** The API's refusal of a call, or null when it succeeded. */
export function problemOf(result: { error?: unknown; response: Response }): ApiError | null {
  return result.response.ok ? null : TesseraApiError.from(result.response, result.error);
}

/** The message of the API's refusal ('' when the call succeeded). */
export const messageOf = (result: { error?: unknown; response: Response }): string => problemOf(result)?.message ?? '';
