/**
 * The shared security suite reads the routes from the OpenAPI document at test time (never a hand-kept list):
 * this module turns the document into operations, tells who may call each, derives the scope it needs, and
 * samples request bodies, query strings and paths from the schemas.
 */
import crypto from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Resource } from '../../fixtures/security-world.ts';
import { dataUrl, png } from '../../fixtures/images.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- JSON Schema and OpenAPI objects are walked generically */
type Schema = any;
type Doc = any;

export type Caller = 'public' | 'merchant' | 'admin';
/** What a route answers errors with: Tessera's `{error: {code}}`, or a facade's own shape. */
export type Surface = 'native' | 'krezypay' | 'kwik' | 'kazepay';

export interface Operation {
  /** "GET /v1/cards/{cardId}": the name used in every message. */
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  caller: Caller;
  surface: Surface;
  /** The merchant scope the route needs (merchant routes only). */
  scope: string | null;
  pathParams: { name: string; schema: Schema }[];
  queryParams: { name: string; schema: Schema; required: boolean }[];
  body: Schema | null;
  raw: any;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** The security scheme names of the document and who they stand for. A new scheme must be added here. */
const SCHEMES: Record<string, Exclude<Caller, 'public'>> = { apiKey: 'merchant', adminToken: 'admin' };

/**
 * Mutations that need only `read` (the default is `read` for GET and `write` for anything else, as the server's
 * requiredScope): each with why. A route declaring its scope in the document (security scopes, or "Needs `…`" in
 * its description) needs no entry.
 */
export const READ_SCOPE_MUTATIONS: Record<string, string> = {
  'POST /v1/auth/token': 'exchanging a key for a short-lived token of the same scopes changes nothing',
  // KrezyPay posts its lookups and quotes (seeds 000, 002): they change nothing.
  'POST /krezypay/v1/{mode}/card/retrieve_card': 'a card lookup',
  'POST /krezypay/v1/{mode}/card/authorization_estimate': 'a quote of what an authorization would cost',
  'POST /krezypay/v1/{mode}/card/transactions': "a page of a card's transactions",
  'POST /krezypay/v1/{mode}/customer/retrieve': 'a customer lookup',
  'POST /krezypay/v1/{mode}/sms/schema': 'the price and encoding of a message, not sent',
  'POST /krezypay/v1/{mode}/topup/estimate': 'a quote of a top-up, not sent',
  'POST /krezypay/v1/{mode}/topup/schema': "a country's operators and products",
};

function surfaceOf(path: string): Surface {
  if (path.startsWith('/krezypay/')) return 'krezypay';
  if (path.startsWith('/kwik/')) return 'kwik';
  if (path.startsWith('/kazepay/')) return 'kazepay';
  return 'native';
}

export function deref(doc: Doc, schema: Schema): Schema {
  let s = schema;
  for (let i = 0; s && typeof s === 'object' && typeof s.$ref === 'string' && i < 20; i++) {
    const ref: string = s.$ref;
    if (!ref.startsWith('#/')) throw new Error(`security suite: cannot follow $ref ${ref}`);
    s = ref.slice(2).split('/').reduce((node: any, key) => node?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
  }
  return s;
}

function scopeOf(name: string, method: string, op: any): string {
  const declared = (op.security ?? []).flatMap((req: Record<string, string[]>) => Object.values(req).flat()) as string[];
  if (declared.length > 0) return declared[0]!;
  const m = /Needs (?:a key with )?(?:the )?`([a-z]+(?::[a-z]+)?)`/.exec(`${op.summary ?? ''} ${op.description ?? ''}`);
  if (m) return m[1]!;
  if (name in READ_SCOPE_MUTATIONS) return 'read';
  return method === 'GET' ? 'read' : 'write';
}

export function operations(doc: Doc): Operation[] {
  const out: Operation[] = [];
  for (const [path, item] of Object.entries<any>(doc.paths ?? {})) {
    for (const lower of METHODS) {
      const op = item[lower];
      if (!op) continue;
      const method = lower.toUpperCase() as Operation['method'];
      const name = `${method} ${path}`;
      const requirements: Record<string, string[]>[] = op.security ?? doc.security ?? [];
      const callers = new Set(requirements.flatMap((r) => Object.keys(r)).map((scheme) => {
        const caller = SCHEMES[scheme];
        if (!caller) throw new Error(`security suite: ${name} uses the security scheme "${scheme}", unknown to test/http/security/openapi.ts: add it to SCHEMES`);
        return caller;
      }));
      if (callers.size > 1) throw new Error(`security suite: ${name} accepts both merchant keys and the admin token; teach the suite what to expect`);
      const caller: Caller = callers.size === 0 ? 'public' : [...callers][0]!;
      const params = [...(item.parameters ?? []), ...(op.parameters ?? [])].map((p: any) => deref(doc, p));
      const body = op.requestBody ? deref(doc, deref(doc, op.requestBody).content?.['application/json']?.schema ?? null) : null;
      out.push({
        name, method, path, caller, surface: surfaceOf(path), raw: op,
        scope: caller === 'merchant' ? scopeOf(name, method, op) : null,
        pathParams: params.filter((p) => p.in === 'path').map((p) => ({ name: p.name, schema: deref(doc, p.schema) })),
        queryParams: params.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: deref(doc, p.schema), required: Boolean(p.required) })),
        body,
      });
    }
  }
  return out;
}

/** Every scope the API knows, from the `scopes` of the key-creation bodies: a new scope is covered once documented. */
export function knownScopes(ops: Operation[]): string[] {
  const scopes = new Set<string>();
  const values = (s: { const?: string; enum?: string[]; anyOf?: unknown[]; oneOf?: unknown[] }): string[] =>
    [...(s.enum ?? []), ...(s.const ? [s.const] : []), ...[...(s.anyOf ?? []), ...(s.oneOf ?? [])].flatMap((x) => values(x as typeof s))];
  const walk = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node)) {
      if (k === 'scopes' && v && typeof v === 'object' && 'items' in v) for (const x of values(v.items as never)) scopes.add(x);
      walk(v);
    }
  };
  for (const op of ops) walk(op.body);
  return [...scopes].sort();
}

/**
 * What the app serves, from Fastify's route tree (`printRoutes({commonPrefix: false})`): "METHOD /path" with every
 * parameter written `{}` (HEAD, added to every GET, left out). The suite walks the document: a route served but not
 * documented would escape it.
 */
export function servedRoutes(app: FastifyInstance): string[] {
  const out: string[] = [];
  const prefixes: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const at = line.indexOf('── ');
    if (at < 0) continue;
    const depth = Math.floor(at / 4);
    const m = /^(.*?)(?: \(([A-Z, ]+)\))?$/.exec(line.slice(at + 3))!;
    const path = (depth > 0 ? prefixes[depth - 1]! : '') + m[1]!;
    prefixes[depth] = path;
    prefixes.length = depth + 1;
    for (const method of (m[2] ?? '').split(', ').filter((x) => x && x !== 'HEAD')) {
      out.push(`${method} ${path.replace(/:[A-Za-z0-9_]+(?:\|:[A-Za-z0-9_]+)*/g, '{}')}`);
    }
  }
  return out;
}

/** "METHOD /path" of a document operation, parameters written `{}`. */
export const routeKey = (op: Operation) => `${op.method} ${op.path.replace(/\{[^}]+\}/g, '{}')}`;

export function openApi(app: FastifyInstance): Doc {
  return JSON.parse(JSON.stringify(app.swagger()));
}

// ---------------------------------------------------------------------------
// References: which kind of object a path parameter, a query parameter or a body property names.

/** A collection's path segment → the kind of object its `{id}` names. */
const COLLECTIONS: Record<string, Resource> = {
  customers: 'customer', accounts: 'account', cards: 'card', authorizations: 'authorization', transactions: 'transaction',
  webhook_endpoints: 'webhook_endpoint', events: 'event', sms: 'sms', signing_keys: 'signing_key', topups: 'topup',
  api_keys: 'api_key', live_access_requests: 'live_access_request', notifications: 'notification', deliveries: 'webhook_delivery',
  // POST /v1/simulate/kyc/{id}: the simulator decides a customer's KYC.
  kyc: 'customer',
};

/** Named parameters and properties: `cardId`, `card_id` → card. */
const NAMES: Record<string, Resource> = {
  customer: 'customer', account: 'account', card: 'card', authorization: 'authorization', transaction: 'transaction',
  endpoint: 'webhook_endpoint', webhook_endpoint: 'webhook_endpoint', event: 'event', sms: 'sms', signing_key: 'signing_key',
  topup: 'topup', api_key: 'api_key', key: 'api_key', live_access_request: 'live_access_request', notification: 'notification', delivery: 'webhook_delivery', webhook_delivery: 'webhook_delivery',
};

/** Path parameters that name no object: what they are sampled as. */
export const NOT_REFERENCES = new Set(['mode']);

const snake = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

/** The collection a path's segment before `index` belongs to (`/v1/cards/{cardId}/fund` → cards). */
function collectionBefore(segments: string[], index: number): string | null {
  for (let i = index - 1; i >= 0; i--) if (!segments[i]!.startsWith('{')) return segments[i]!;
  return null;
}

/**
 * The kind of object a reference names, or null when the name is not a reference at all. `where` says where the
 * name was found, for the message asking to add a mapping.
 */
export function referenceOf(op: Operation, where: 'path' | 'query' | 'body', name: string): Resource | null {
  // The operator sees every merchant: its routes have no cross-tenant case, and their ids are only sampled.
  if (op.caller !== 'merchant') return null;
  if (where === 'path' && NOT_REFERENCES.has(name)) return null;
  const segments = op.path.split('/').filter(Boolean);
  if (where === 'path') {
    const specific = /^(.+)Id$/.exec(name)?.[1] ?? /^(.+)_id$/.exec(name)?.[1];
    if (specific && NAMES[snake(specific)]) return NAMES[snake(specific)]!;
    if (name === 'id') {
      const collection = collectionBefore(segments, segments.indexOf(`{${name}}`));
      if (collection && COLLECTIONS[collection]) return COLLECTIONS[collection];
    }
  } else if (name === 'starting_after' || name === 'ending_before') {
    const last = segments[segments.length - 1]!;
    if (COLLECTIONS[last]) return COLLECTIONS[last];
  } else if (name === 'id') {
    // An `id` inside a body (Kwik's records): the route's collection.
    for (const s of [...segments].reverse()) if (COLLECTIONS[s]) return COLLECTIONS[s];
  } else {
    const m = /^(.+)_id$/.exec(name) ?? /^(.+)Id$/.exec(name);
    if (!m) return null;
    if (NAMES[snake(m[1]!)]) return NAMES[snake(m[1]!)]!;
  }
  throw new Error(
    `security suite: ${op.name}: the ${where} ${where === 'body' ? 'property' : 'parameter'} "${name}" names an object the suite cannot map. ` +
    'Add its collection or name to COLLECTIONS/NAMES in test/http/security/openapi.ts (and the object to buildWorld in ' +
    'test/fixtures/security-world.ts), or to NOT_REFERENCES if it names no object, so the cross-tenant cases cover the route.',
  );
}

// ---------------------------------------------------------------------------
// Sampling: the smallest values a schema accepts.

export interface SampleContext {
  doc: Doc;
  op: Operation;
  /** The id to use for a reference to `kind`. */
  ref(kind: Resource): string;
  /** The key's mode, for `{mode}`. */
  mode: 'sandbox' | 'live';
  /** Every reference that was filled, for the message of a failing case. */
  used: string[];
}

/** Values by property name, where the type alone does not give one a validator accepts. */
const BY_NAME: Record<string, unknown> = {
  currency: 'USD', country: 'US', mcc: '5411', pin: '482915', phone: '+14155552671', to: '+14155552671', email: 'ada@example.com',
  // Loopback: a webhook URL is resolved when it is set, and tests talk only to 127.0.0.1 (the suite allows private URLs).
  url: 'http://127.0.0.1:9/hook', website: 'https://example.com', amount: 100, type: 'virtual', algorithm: 'ed25519',
  phone_country: 'US', phone_prefix: '1', phone_number: '4155552671', date_of_birth: '1990-04-25', decision: 'PASSED',
  identification_number: 'A563F186', identification_expiry_date: '2099-12-31', card_number: '4000001234567899',
  // KYC documents must be real images (checked before the customer is looked up).
  front_image: dataUrl('image/png', png()), back_image: dataUrl('image/png', png()), handheld_image: dataUrl('image/png', png()),
};

const PATTERN_CANDIDATES = ['USD', 'US', '5411', '482915', '+14155552671', '4000001234567899', '1', 'A', 'a', 'abc', '2030-01-01', '12:00', '0000'];

function sampleString(schema: Schema, name: string): string {
  if (schema.enum?.length) return schema.enum[0];
  if (schema.const !== undefined) return schema.const;
  const min = schema.minLength ?? 1;
  const max = schema.maxLength ?? Infinity;
  const fits = (s: unknown): s is string => typeof s === 'string' && s.length >= min && s.length <= max && (!schema.pattern || new RegExp(schema.pattern, 'u').test(s));
  const named = BY_NAME[name];
  if (fits(named)) return named;
  switch (schema.format) {
    case 'date': return '2030-01-01';
    case 'date-time': return '2030-01-01T00:00:00Z';
    case 'email': return 'ada@example.com';
    case 'uri': case 'url': return 'https://example.com/hook';
    case 'uuid': return crypto.randomUUID();
  }
  if (schema.pattern) {
    const candidate = PATTERN_CANDIDATES.find(fits);
    if (candidate) return candidate;
  }
  return 'x'.repeat(Math.max(min, 1));
}

export function sample(ctx: SampleContext, raw: Schema, name = '', where: 'body' | 'query' = 'body'): unknown {
  const schema = deref(ctx.doc, raw);
  if (!schema || typeof schema !== 'object') return {};
  if (name) {
    const kind = referenceOf(ctx.op, where, name);
    if (kind) {
      ctx.used.push(`${where}.${name}=${kind}`);
      return ctx.ref(kind);
    }
  }
  if (schema.const !== undefined) return schema.const;
  if (schema.enum?.length) return schema.enum[0];
  for (const combinator of ['anyOf', 'oneOf'] as const) {
    if (schema[combinator]) {
      const options = schema[combinator].map((s: Schema) => deref(ctx.doc, s));
      const pick = options.find((s: Schema) => s.type !== 'null') ?? options[0];
      return sample(ctx, pick, name, where);
    }
  }
  if (schema.allOf) return Object.assign({}, ...schema.allOf.map((s: Schema) => sample(ctx, s, name, where)));
  const type = Array.isArray(schema.type) ? schema.type.find((t: string) => t !== 'null') : schema.type;
  switch (type) {
    case 'object': case undefined: {
      if (!schema.properties) return {};
      const out: Record<string, unknown> = {};
      const required: string[] = schema.required ?? [];
      const keys = required.length > 0 || !schema.minProperties ? required : Object.keys(schema.properties).slice(0, schema.minProperties);
      for (const key of keys) out[key] = sample(ctx, schema.properties[key], key, where);
      return out;
    }
    case 'array': {
      const n = Math.max(schema.minItems ?? 0, 1);
      // An array of references keeps its element's name (records[].id is Kwik's card).
      return Array.from({ length: n }, () => sample(ctx, schema.items ?? {}, '', where));
    }
    case 'string': return sampleString(schema, name);
    case 'integer': case 'number': {
      const named = BY_NAME[name];
      const lo = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : 1);
      const hi = schema.maximum ?? Infinity;
      if (typeof named === 'number' && named >= lo && named <= hi) return named;
      return Math.min(Math.max(lo, 1), hi);
    }
    case 'boolean': return false;
    default: return null;
  }
}

export interface Request {
  method: Operation['method'];
  url: string;
  payload?: unknown;
  /** References filled, for messages. */
  used: string[];
}

/** The request for `op`: references filled by `ref`, everything else sampled, and `overrides` merged into the body. */
export function requestFor(doc: Doc, op: Operation, ref: (kind: Resource) => string, mode: 'sandbox' | 'live', overrides: Record<string, unknown> = {}): Request {
  const ctx: SampleContext = { doc, op, ref, mode, used: [] };
  let url = op.path;
  for (const p of op.pathParams) {
    const kind = referenceOf(op, 'path', p.name);
    let value: string;
    if (kind) {
      ctx.used.push(`path.${p.name}=${kind}`);
      value = ref(kind);
    } else if (p.name === 'mode') {
      value = mode;
    } else {
      const sampled = sample(ctx, p.schema, '', 'query');
      value = typeof sampled === 'string' && sampled !== 'x' ? sampled : 'obj_01h2xcejqtf2nbrexx3vqjhp41';
    }
    url = url.replace(`{${p.name}}`, encodeURIComponent(value));
  }
  const query = new URLSearchParams();
  for (const q of op.queryParams) {
    if (q.required) query.set(q.name, String(sample(ctx, q.schema, q.name, 'query')));
  }
  const qs = query.toString();
  const request: Request = { method: op.method, url: qs ? `${url}?${qs}` : url, used: ctx.used };
  if (op.body) {
    const body = sample(ctx, op.body);
    request.payload = body && typeof body === 'object' && !Array.isArray(body) ? { ...body, ...overrides } : body;
  }
  return request;
}

/**
 * The query parameters of `op` that name an object (filters and cursors): each gives a cross-tenant case of its
 * own, the route called with only that parameter set.
 */
export function queryReferences(op: Operation): { name: string; kind: Resource }[] {
  const out: { name: string; kind: Resource }[] = [];
  for (const q of op.queryParams) {
    const kind = referenceOf(op, 'query', q.name);
    if (kind) out.push({ name: q.name, kind });
  }
  return out;
}

/**
 * A well-formed id of the same kind as `id` that names nothing: the same prefix and time (the first 13 characters
 * of a TypeID's suffix hold its UUIDv7 milliseconds), fresh random bits. As a cursor it sits where `id` sits.
 */
export function unknownLike(id: string): string {
  const cut = id.lastIndexOf('_');
  const suffix = id.slice(cut + 1);
  const alphabet = '0123456789abcdefghjkmnpqrstvwxyz';
  const keep = suffix.length === 26 ? 13 : 1;
  const fresh = Array.from(crypto.randomBytes(suffix.length - keep), (b) => alphabet[b % 32]).join('');
  const out = `${id.slice(0, cut + 1)}${suffix.slice(0, keep)}${fresh}`;
  return out === id ? unknownLike(id) : out;
}
