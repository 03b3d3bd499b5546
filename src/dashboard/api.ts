import crypto from 'node:crypto';
import type { FastifyInstance } from 'fastify';

/**
 * The dashboard's only door into Tessera: the public HTTP API, called in-process.
 *
 * The client has the shape of the SDK's (`@tessera/sdk`, an openapi-fetch client): `GET/POST/PUT/PATCH/DELETE(path,
 * { params: { path, query }, body })` answering `{ data, error, response }`, an `Idempotency-Key` on every mutation
 * and the credential as a bearer token. Until the SDK package is built in this tree, this thin client stands in for
 * it; swapping it is a change to `apiClient()` alone.
 */

/** The API's error body, `{ error: { type, code, message, param, request_id } }`. */
export interface ApiError {
  type: string;
  code: string;
  message: string;
  param: string | null;
  request_id: string | null;
}

export interface ApiResult<T> {
  data: T | undefined;
  error: ApiError | undefined;
  response: Response;
}

export interface RequestOptions {
  params?: { path?: Record<string, string>; query?: Record<string, string | number | boolean | undefined> };
  body?: unknown;
  /** 'json' (default) or 'arrayBuffer' for binary answers such as KYC images. */
  parseAs?: 'json' | 'arrayBuffer';
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
// The API's own schemas are the contract; pages read the fields they show.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
export type ApiClient = { [M in Method]: (path: string, options?: RequestOptions) => Promise<ApiResult<Json>> };

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

function buildPath(template: string, params: RequestOptions['params']): string {
  const path = template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params?.path?.[name];
    if (value === undefined) throw new Error(`missing path parameter ${name} for ${template}`);
    return encodeURIComponent(value);
  });
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params?.query ?? {})) {
    if (v !== undefined && v !== '') query.set(k, String(v));
  }
  const qs = query.toString();
  return qs ? `${path}?${qs}` : path;
}

const MUTATING = new Set<Method>(['POST', 'PUT', 'PATCH', 'DELETE']);

/** A client for one credential (an API key or the admin token), routed through `fetchImpl`. */
export function apiClient(credential: string, fetchImpl: typeof fetch): ApiClient {
  const call = (method: Method) => async (path: string, options: RequestOptions = {}): Promise<ApiResult<Json>> => {
    const headers: Record<string, string> = { authorization: `Bearer ${credential}`, accept: 'application/json' };
    if (MUTATING.has(method)) headers['idempotency-key'] = crypto.randomUUID();
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetchImpl(`${INTERNAL_BASE_URL}${buildPath(path, options.params)}`, {
      method, headers, ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
    if (response.ok) {
      if (options.parseAs === 'arrayBuffer') return { data: await response.arrayBuffer(), error: undefined, response };
      const text = await response.text();
      return { data: text ? JSON.parse(text) : {}, error: undefined, response };
    }
    return { data: undefined, error: await errorOf(response), response };
  };
  return { GET: call('GET'), POST: call('POST'), PUT: call('PUT'), PATCH: call('PATCH'), DELETE: call('DELETE') };
}

async function errorOf(response: Response): Promise<ApiError> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as { error?: Partial<ApiError> };
    if (body.error && typeof body.error.message === 'string') {
      return {
        type: body.error.type ?? 'api_error', code: body.error.code ?? 'unknown', message: body.error.message,
        param: body.error.param ?? null, request_id: body.error.request_id ?? null,
      };
    }
  } catch {
    // Not JSON: fall through to a generic error naming the status.
  }
  return { type: 'api_error', code: `http_${response.status}`, message: `The API answered ${response.status}.`, param: null, request_id: null };
}
