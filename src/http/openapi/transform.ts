import type { RouteAuth } from '../deps.ts';
import type { Scope } from '../../merchants/index.ts';
import { scopeFor } from '../plugins/auth.ts';
import { HEADERS, PARAMETERS, parameterRef, responseHeaders } from './headers.ts';
import { webhooksSection } from './webhooks.ts';

/*
 * Document-wide parts of the OpenAPI document, derived from each route's
 * config rather than written per route: security from `config.auth`, the
 * Idempotency-Key and RFC 9421 header parameters on the operations whose
 * requests the plugins check, response headers, response descriptions, list
 * examples built from their item's example, `servers` and `webhooks`.
 */

/** Where the per-route transform leaves what the document transform needs; removed before the document is served. */
const MARK = 'x-tessera-route';

interface RouteMark {
  auth: RouteAuth;
  /** The route's `config.idempotent`; only an explicit `false` opts a mutating route out of Idempotency-Key. */
  idempotent: unknown;
}

const MUTATING = new Set(['post', 'put', 'patch', 'delete']);
export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** Who may call a route: as routeAuth() in plugins/auth.ts decides, from the config or, failing closed, the URL prefix. */
export function authOf(url: string, configured: RouteAuth | undefined): RouteAuth {
  if (configured) return configured;
  if (url.startsWith('/admin/')) return 'admin';
  return url.startsWith('/v1/') ? 'merchant' : 'public';
}

export const SECURITY: Record<RouteAuth, Record<string, string[]>[]> = {
  public: [],
  merchant: [{ apiKey: [] }],
  admin: [{ adminToken: [] }],
};

interface RouteTransformInput {
  schema: Record<string, unknown> | undefined;
  url: string;
  route: { method: string | string[]; config?: { auth?: RouteAuth; idempotent?: unknown; scope?: Scope } | undefined };
}

/** @fastify/swagger `transform`: runs once per route each time the document is generated. */
export function transformRoute({ schema, url, route }: RouteTransformInput): { schema: Record<string, unknown>; url: string } {
  const auth = authOf(url, route.config?.auth);
  const mark: RouteMark = { auth, idempotent: route.config?.idempotent };
  // A merchant operation names the key scope it needs: `x-scope` (a bearer scheme has no scopes of its own to list).
  const method = Array.isArray(route.method) ? route.method[0] ?? 'GET' : route.method;
  const scope = auth === 'merchant' ? { 'x-scope': scopeFor(route.config?.scope, method) } : {};
  return { schema: { ...(schema ?? {}), security: SECURITY[auth], ...scope, [MARK]: mark }, url };
}

/** Descriptions for responses a route left without one (the generator would say "Default Response"). */
const STATUS_DESCRIPTIONS: Record<string, string> = {
  200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No content',
  400: 'Invalid request: a parameter is missing or malformed.',
  401: 'Missing, malformed, revoked or expired credentials.',
  403: 'Not allowed for these credentials.',
  404: 'No such object (objects of other merchants answer the same way).',
  409: 'Conflict with the current state of the object.',
  410: 'Gone.',
  413: 'The request body is too large.',
  415: 'Unsupported content type.',
  422: 'The request is well-formed but cannot be carried out.',
  429: 'Rate limited; retry after the Retry-After header.',
  500: 'Internal error.',
  502: 'An upstream service failed.',
  503: 'Briefly unavailable; retry after the Retry-After header.',
};

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The `object` a schema's objects carry (`Type.Literal('card')` becomes `enum: ['card']`), if it names one. */
function objectName(schema: unknown): string | null {
  if (!isObject(schema) || !isObject(schema.properties)) return null;
  const o = schema.properties.object;
  if (!isObject(o)) return null;
  if (typeof o.const === 'string') return o.const;
  return Array.isArray(o.enum) && o.enum.length === 1 && typeof o.enum[0] === 'string' ? o.enum[0] : null;
}

const listItem = (schema: unknown): Json | null => {
  if (objectName(schema) !== 'list' || !isObject(schema) || !isObject(schema.properties)) return null;
  const data = schema.properties.data;
  return isObject(data) && isObject(data.items) ? data.items : null;
};

const firstExample = (schema: unknown): unknown =>
  (isObject(schema) && Array.isArray(schema.examples) && schema.examples.length > 0 ? schema.examples[0]
    : isObject(schema) && 'example' in schema ? schema.example : undefined);

function successDescription(status: string, schema: unknown): string {
  const head = STATUS_DESCRIPTIONS[status] ?? 'Success';
  if (isObject(schema) && typeof schema.title === 'string') return `${head}: the ${schema.title}.`;
  const item = listItem(schema);
  const itemName = item && (typeof item.title === 'string' ? item.title : objectName(item));
  if (itemName) return `${head}: a page of ${itemName.replace(/_/g, ' ')} objects, newest first.`;
  const name = objectName(schema);
  return name ? `${head}: the ${name.replace(/_/g, ' ')}.` : `${head}.`;
}

/** Bytes (an image) have no example worth showing in a document; every other media type needs one. */
const hasExample = (media: Json) => 'example' in media || isObject(media.examples)
  || (isObject(media.schema) && media.schema.format === 'binary');

/** Give a 2xx media type the example its schema (or, for a list, its item schema) declares. */
function liftExample(media: Json): void {
  if (hasExample(media)) return;
  const own = firstExample(media.schema);
  if (own !== undefined) {
    media.example = own;
    return;
  }
  const item = firstExample(listItem(media.schema));
  if (item !== undefined) media.example = { object: 'list', data: [item], has_more: false };
}

function decorateOperation(method: string, op: Json): void {
  const mark = op[MARK] as RouteMark | undefined;
  delete op[MARK];
  const auth = mark?.auth ?? 'public';
  const mutating = MUTATING.has(method);
  const idempotent = mutating && mark?.idempotent !== false;
  const signed = mutating && auth === 'merchant';

  const shared = [
    ...(idempotent ? [['Idempotency-Key', parameterRef('IdempotencyKey')] as const] : []),
    ...(signed ? [
      ['Signature', parameterRef('Signature')] as const,
      ['Signature-Input', parameterRef('SignatureInput')] as const,
      ['Content-Digest', parameterRef('ContentDigest')] as const,
    ] : []),
  ];
  if (shared.length > 0) {
    const names = new Set(shared.map(([name]) => name.toLowerCase()));
    // A header a route declared itself gives way to the shared component.
    const own = ((op.parameters ?? []) as Json[]).filter((p) => !(p.in === 'header' && names.has(String(p.name).toLowerCase())));
    op.parameters = [...own, ...shared.map(([, ref]) => ref)];
  }

  const body = isObject(op.requestBody) && isObject(op.requestBody.content) ? op.requestBody.content : {};
  for (const media of Object.values(body)) if (isObject(media)) liftExample(media);

  const responses = isObject(op.responses) ? op.responses : {};
  op.responses = responses;
  // Every request is counted by the rate limiter (plugins/auth.ts), public ones by address: an operation that
  // documents no client error still has this one.
  if (!Object.keys(responses).some((s) => /^4/.test(s))) {
    responses['429'] = { description: STATUS_DESCRIPTIONS[429], content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
  }
  for (const [status, response] of Object.entries(responses)) {
    if (!isObject(response)) continue;
    const success = /^2/.test(status);
    const media = isObject(response.content) ? Object.values(response.content).find(isObject) : undefined;
    if (!response.description || response.description === 'Default Response') {
      response.description = success ? successDescription(status, media?.schema) : STATUS_DESCRIPTIONS[status] ?? 'Error.';
    }
    response.headers = { ...responseHeaders(status, idempotent), ...(isObject(response.headers) ? response.headers : {}) };
    if (success && media) liftExample(media);
  }
}

export interface DocumentOptions {
  /** TESSERA_PUBLIC_URL: the origin clients use; the document then names it as its server. */
  publicUrl: string | null;
}

/**
 * `Type.Enum` writes `{ enum: [...] }` without a `type`: valid JSON Schema, but viewers and generators that
 * expect OpenAPI's usual `type` next to `enum` complain (the reference viewer logged a warning per schema).
 */
function typeStringEnums(node: unknown): void {
  if (Array.isArray(node)) {
    for (const child of node) typeStringEnums(child);
    return;
  }
  if (!isObject(node)) return;
  if (Array.isArray(node.enum) && node.type === undefined && node.enum.every((v) => typeof v === 'string')) node.type = 'string';
  for (const child of Object.values(node)) typeStringEnums(child);
}

/** @fastify/swagger `transformObject`: the whole document, after every route was added. */
export function transformDocument(source: Json, options: DocumentOptions): Json {
  // A copy: the route schemas in it are the live objects Fastify validates with.
  const doc = structuredClone(source);
  doc.servers = [options.publicUrl
    ? { url: options.publicUrl, description: 'This Tessera installation (TESSERA_PUBLIC_URL).' }
    : { url: '/', description: 'This Tessera installation: the origin that serves this document.' }];
  const paths = isObject(doc.paths) ? doc.paths : {};
  for (const item of Object.values(paths)) {
    if (!isObject(item)) continue;
    for (const method of HTTP_METHODS) if (isObject(item[method])) decorateOperation(method, item[method]);
  }
  const hooks = structuredClone(webhooksSection());
  const components = isObject(doc.components) ? doc.components : {};
  doc.components = {
    ...components,
    schemas: { ...(isObject(components.schemas) ? components.schemas : {}), ...hooks.schemas },
    parameters: { ...PARAMETERS, ...hooks.parameters },
    headers: { ...HEADERS },
  };
  doc.webhooks = hooks.webhooks;
  typeStringEnums(doc);
  return doc;
}

export interface MissingExample {
  operation: string;
  where: 'request body' | `response ${string}`;
}

/** Request bodies and 2xx responses whose media type has no example, by operationId (or METHOD path). */
export function missingExamples(doc: Json): MissingExample[] {
  const out: MissingExample[] = [];
  const check = (operation: string, where: MissingExample['where'], content: unknown) => {
    if (!isObject(content)) return;
    for (const media of Object.values(content)) if (isObject(media) && !hasExample(media)) out.push({ operation, where });
  };
  const visit = (name: (method: string) => string, item: unknown) => {
    if (!isObject(item)) return;
    for (const method of HTTP_METHODS) {
      const op = item[method];
      if (!isObject(op)) continue;
      const id = typeof op.operationId === 'string' ? op.operationId : name(method);
      if (isObject(op.requestBody)) check(id, 'request body', op.requestBody.content);
      for (const [status, response] of Object.entries(isObject(op.responses) ? op.responses : {})) {
        if (/^2/.test(status) && isObject(response)) check(id, `response ${status}`, response.content);
      }
    }
  };
  for (const [path, item] of Object.entries(isObject(doc.paths) ? doc.paths : {})) visit((m) => `${m.toUpperCase()} ${path}`, item);
  for (const [type, item] of Object.entries(isObject(doc.webhooks) ? doc.webhooks : {})) visit(() => `webhook ${type}`, item);
  return out;
}
