import createClient, { defaultPathSerializer, type Client } from 'openapi-fetch';
import type { paths } from './schema.js';
import { signRequest, type SigningKey } from './signing.js';

export type TesseraClient = Client<paths>;

export interface TesseraClientOptions {
  /** Where the server is, e.g. `http://127.0.0.1:8080` (no trailing `/v1`). */
  baseUrl: string;
  /** A merchant API key (`sk_sandbox_…`, `sk_live_…`). */
  apiKey?: string;
  /** A short-lived JWT from `POST /v1/auth/token`, instead of a key. */
  token?: string;
  /** The operator's `TESSERA_ADMIN_TOKEN`: sent on `/admin/…` paths. */
  adminToken?: string;
  /** Route the requests elsewhere (a test's in-process fetch, a proxy agent). */
  fetch?: typeof fetch;
  /** How many times a request is retried after a network error, a 429 or a 503 (default 2: three attempts at most). */
  retries?: number;
  /** Makes the Idempotency-Key of each mutation (default: a random UUID). */
  idempotencyKey?: () => string;
  /** Sign every mutation (RFC 9421) with this Ed25519 key, freshly for each attempt. */
  signingKey?: SigningKey;
  /** The first backoff in ms (default 250), doubled per retry, with full jitter. */
  retryBaseDelayMs?: number;
  /** The longest wait between attempts in ms (default 30 000); a longer Retry-After ends the retries. */
  retryMaxDelayMs?: number;
}

/** Why 10: with the default backoff that is minutes of retrying; more hides an outage from the caller. */
export const RETRIES_MAX = 10;

const MUTATIONS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const RETRY_STATUSES = new Set([429, 503]);

/** Seconds of a Retry-After header (RFC 9110: delay-seconds or an HTTP date), or null. */
export function retryAfterMs(header: string | null, now = Date.now()): number | null {
  if (header === null) return null;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP date is always GMT (IMF-fixdate); anything else is not a Retry-After.
  const at = /GMT$/.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

function sleep(ms: number, signal: AbortSignal | null): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function credentialFor(url: URL, options: TesseraClientOptions): string | undefined {
  const merchant = options.apiKey ?? options.token;
  return url.pathname.startsWith('/admin/') ? options.adminToken ?? merchant : merchant ?? options.adminToken;
}

/**
 * The fetch under the client: adds credentials and an Idempotency-Key to every mutation, signs it when asked,
 * and retries network errors, 429 and 503 with exponential backoff and full jitter, or after Retry-After when
 * the server gives one. Every attempt carries the same Idempotency-Key, so a mutation that did commit before
 * its answer was lost is replayed by the server, not done twice.
 */
export function tesseraFetch(options: TesseraClientOptions): (input: Request) => Promise<Response> {
  const send = options.fetch ?? globalThis.fetch;
  const retries = Math.min(Math.max(0, Math.floor(options.retries ?? 2)), RETRIES_MAX);
  const baseDelay = options.retryBaseDelayMs ?? 250;
  const maxDelay = options.retryMaxDelayMs ?? 30_000;
  const newKey = options.idempotencyKey ?? (() => crypto.randomUUID());

  return async (input: Request) => {
    const headers = new Headers(input.headers);
    const credential = credentialFor(new URL(input.url), options);
    if (credential !== undefined && !headers.has('authorization')) headers.set('authorization', `Bearer ${credential}`);
    if (MUTATIONS.has(input.method) && !headers.has('idempotency-key')) headers.set('idempotency-key', newKey());
    const body = input.body === null ? null : new Uint8Array(await input.arrayBuffer());

    for (let attempt = 0; ; attempt++) {
      const attemptHeaders = new Headers(headers);
      if (options.signingKey && MUTATIONS.has(input.method)) {
        const signed = await signRequest({ method: input.method, url: input.url, headers: attemptHeaders, body }, options.signingKey);
        for (const [name, value] of Object.entries(signed)) attemptHeaders.set(name, value);
      }
      const request = new Request(input.url, {
        method: input.method, headers: attemptHeaders, body, signal: input.signal, redirect: input.redirect,
      });
      let response: Response | null = null;
      let failure: unknown = null;
      try {
        response = await send(request);
      } catch (err) {
        // The caller's own abort is not a network error: never retried.
        if (input.signal.aborted) throw err;
        failure = err;
      }
      if (response !== null && !RETRY_STATUSES.has(response.status)) return response;
      const backoff = Math.min(maxDelay, baseDelay * 2 ** attempt) * Math.random();
      const told = response === null ? null : retryAfterMs(response.headers.get('retry-after'));
      if (attempt >= retries || (told !== null && told > maxDelay)) {
        if (response !== null) return response;
        throw failure;
      }
      // Read and drop the refused answer's body so its connection can be reused.
      await response?.arrayBuffer().catch(() => undefined);
      await sleep(told ?? backoff, input.signal);
    }
  };
}

/**
 * A typed client of the Tessera API (openapi-fetch over the generated schema):
 *   const { data, error } = await client.GET('/v1/cards/{cardId}', { params: { path: { cardId } } });
 */
export function createTesseraClient(options: TesseraClientOptions): TesseraClient {
  return createClient<paths>({ baseUrl: options.baseUrl.replace(/\/+$/, ''), fetch: tesseraFetch(options), pathSerializer: safePath });
}

/**
 * Path parameters are percent-encoded, but `.` and `..` survive encoding (and `%2e` is a dot to URL parsers):
 * `/v1/cards/{cardId}` with cardId `..` would become `/v1/` — another endpoint, called with the caller's
 * credential. No Tessera id is made of dots, so such a value is refused before any request.
 */
export class InvalidPathParameterError extends TypeError {
  override name = 'InvalidPathParameterError';
  constructor(readonly parameter: string) {
    super(`The path parameter ${parameter} must not be "." or ".." (it would name another endpoint).`);
  }
}

function safePath(pathname: string, pathParams: Record<string, unknown>): string {
  for (const [name, value] of Object.entries(pathParams)) {
    if (typeof value === 'string' && /^(?:\.|%2e)+$/i.test(value)) {
      throw new InvalidPathParameterError(name);
    }
  }
  return defaultPathSerializer(pathname, pathParams);
}
