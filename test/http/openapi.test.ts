import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { buildTestApp, type TestApp } from '../harness.ts';
import { EVENT_TYPES } from '../../src/events/index.ts';
import { missingExamples } from '../../src/http/openapi/transform.ts';

/*
 * Document-wide properties of the OpenAPI document (issue 12, item 3). Per-route content (schemas, examples,
 * descriptions) is each route's business; these hold for every operation at once, derived from the app itself.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the test walks a JSON document of any shape
type Json = Record<string, any>;
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
const MUTATING = new Set(['post', 'put', 'patch', 'delete']);

let t: TestApp;
let doc: Json;
let operations: { path: string; method: string; op: Json; where: string }[];

const operationsOf = (document: Json) => Object.entries(document.paths as Json).flatMap(([path, item]) => METHODS.filter((m) => item[m])
  .map((method) => ({ path, method, op: item[method] as Json, where: `${method.toUpperCase()} ${path}` })));

beforeAll(async () => {
  t = await buildTestApp();
  doc = (await t.app.inject({ url: '/openapi.json' })).json();
  operations = operationsOf(doc);
});
afterAll(async () => t.close());

const headerParams = (op: Json) => (op.parameters ?? []).map((p: Json) => p.$ref ?? `${p.in}:${p.name}`);
/** A concrete URL for a templated path (ids that exist nowhere: the answer to "who may call" comes first). */
const concrete = (path: string) => path.replace(/\{[^}]+\}/g, (m) => (m === '{mode}' ? 'sandbox' : 'x_00000000000000000000000000'));

describe('the OpenAPI document as a whole', () => {
  it('gives every operation an operationId, unique across paths and webhooks', () => {
    const ids = [...operations.map(({ op }) => op.operationId), ...Object.values(doc.webhooks as Json).map((w: Json) => w.post.operationId)];
    const missing = operations.filter(({ op }) => typeof op.operationId !== 'string').map(({ where }) => where);
    expect(missing).toEqual([]);
    const seen = new Map<string, number>();
    for (const id of ids) seen.set(id, (seen.get(id) ?? 0) + 1);
    expect([...seen].filter(([, n]) => n > 1).map(([id]) => id)).toEqual([]);
  });

  it('names the server: the configured public URL, else this origin', async () => {
    expect(doc.servers).toEqual([expect.objectContaining({ url: '/' })]);
    const other = await buildTestApp({ config: { publicUrl: 'https://cards.example.org' } });
    try {
      const served = (await other.app.inject({ url: '/openapi.json' })).json();
      expect(served.servers).toEqual([expect.objectContaining({ url: 'https://cards.example.org' })]);
    } finally {
      await other.close();
    }
  });

  it('documents as public exactly the operations that answer without credentials', async () => {
    const wrong: string[] = [];
    for (const { path, method, op, where } of operations) {
      // Credentials are checked before the body is read: a body no route accepts (415 once read) tells a 401 of the
      // auth hook from one a public route answers by itself (the KazePay gateway's signed envelope).
      const res = await t.app.inject({
        method: method.toUpperCase() as 'GET', url: concrete(path),
        ...(MUTATING.has(method) ? { headers: { 'content-type': 'text/plain' }, payload: 'x' } : {}),
      });
      const needsCredentials = res.statusCode === 401;
      const documentedPublic = Array.isArray(op.security) && op.security.length === 0;
      if (needsCredentials === documentedPublic) wrong.push(`${where}: ${res.statusCode}, security ${JSON.stringify(op.security)}`);
    }
    expect(wrong).toEqual([]);
    const schemes = new Set(operations.flatMap(({ op }) => (op.security as Json[]).flatMap((s) => Object.keys(s))));
    expect([...schemes].every((s) => s in doc.components.securitySchemes)).toBe(true);
  });

  it('puts the Idempotency-Key parameter on every mutating operation, and the RFC 9421 headers where signatures are checked', () => {
    expect(doc.components.parameters.IdempotencyKey).toMatchObject({ name: 'Idempotency-Key', in: 'header' });
    for (const { method, op, where } of operations) {
      const params = headerParams(op);
      const signed = MUTATING.has(method) && (op.security as Json[]).some((s) => 'apiKey' in s);
      expect(params.includes('#/components/parameters/IdempotencyKey'), where).toBe(MUTATING.has(method));
      for (const name of ['Signature', 'SignatureInput', 'ContentDigest']) {
        expect(params.includes(`#/components/parameters/${name}`), `${where} ${name}`).toBe(signed);
      }
    }
  });

  it('documents the response headers the plugins send, and no "Default Response"', async () => {
    for (const { method, op, where } of operations) {
      for (const [status, response] of Object.entries(op.responses as Record<string, Json>)) {
        expect(response.description, `${where} ${status}`).toBeTruthy();
        expect(response.description, `${where} ${status}`).not.toBe('Default Response');
        expect(response.headers?.['Request-Id'], `${where} ${status}`).toEqual({ $ref: '#/components/headers/RequestId' });
        expect(Boolean(response.headers?.['Retry-After']), `${where} ${status}`).toBe(status === '429' || status === '503');
        expect(Boolean(response.headers?.['Idempotent-Replayed']), `${where} ${status}`).toBe(MUTATING.has(method) && status.startsWith('2'));
      }
    }
    // The names are the ones on the wire.
    const res = await t.app.inject({ url: '/health' });
    for (const name of ['request-id', 'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset']) expect(res.headers[name], name).toBeDefined();
  });

  it('has a webhooks entry, with payload schema, headers and responses, for every event type', () => {
    expect(Object.keys(doc.webhooks).sort()).toEqual([...EVENT_TYPES].sort());
    for (const type of EVENT_TYPES) {
      const post = doc.webhooks[type].post as Json;
      const ref = post.requestBody.content['application/json'].schema.$ref as string;
      const envelope = doc.components.schemas[ref.replace('#/components/schemas/', '')];
      expect(envelope.properties.type.enum, type).toEqual([type]);
      const objectRef = envelope.properties.data.properties.object.$ref as string;
      expect(doc.components.schemas[objectRef.replace('#/components/schemas/', '')], type).toBeDefined();
      const headers = (post.parameters as Json[]).map((p) => doc.components.parameters[p.$ref.replace('#/components/parameters/', '')].name);
      expect(headers, type).toEqual(expect.arrayContaining(['webhook-id', 'webhook-timestamp', 'webhook-signature', 'Signature', 'Signature-Input', 'Content-Digest']));
      expect(Object.keys(post.responses), type).toEqual(expect.arrayContaining(['200', '410']));
    }
  });

  it('has an example on every request body and every 2xx response, webhooks included', () => {
    expect(missingExamples(doc)).toEqual([]);
  });

  it('gives every enumeration of strings its type (viewers warn about a bare enum)', () => {
    const bare: string[] = [];
    const walk = (node: unknown, at: string): void => {
      if (Array.isArray(node)) return node.forEach((child, i) => walk(child, `${at}/${i}`));
      if (typeof node !== 'object' || node === null) return;
      if (Array.isArray((node as Json).enum) && (node as Json).type === undefined) bare.push(at);
      for (const [key, child] of Object.entries(node)) walk(child, `${at}/${key}`);
    };
    walk(doc, '');
    expect(bare).toEqual([]);
  });

  it('has only examples that validate against their own schema', () => {
    const invalid = (document: Json) => {
      const ajv = new Ajv2020({ strict: false });
      addFormats.default(ajv);
      ajv.addSchema({ ...document, $id: 'openapi' });
      const pointer = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');
      const found: string[] = [];
      for (const { path, method, op } of operationsOf(document)) {
        const base = `/paths/${pointer(path)}/${method}`;
        const media = [
          ...Object.entries(op.requestBody?.content ?? {}).map(([type, m]) => [`${base}/requestBody/content/${pointer(type)}`, m, 'body'] as const),
          ...Object.entries(op.responses as Json).flatMap(([status, r]) => Object.entries((r as Json).content ?? {})
            .map(([type, m]) => [`${base}/responses/${status}/content/${pointer(type)}`, m, status] as const)),
        ];
        for (const [at, m, what] of media) {
          if ((m as Json).example === undefined) continue;
          const validate = ajv.compile({ $ref: `openapi#${at}/schema` });
          if (!validate((m as Json).example)) found.push(`${op.operationId} ${what}: ${ajv.errorsText(validate.errors)}`);
        }
      }
      return found;
    };
    expect(invalid(doc)).toEqual([]);
    // The check can fail: a card example whose id is a number is refused.
    const broken = structuredClone(doc);
    const media = broken.paths['/v1/cards/{cardId}'].get.responses['200'].content['application/json'];
    media.example = { ...media.example, id: 42 };
    expect(invalid(broken)).toHaveLength(1);
  });

  it('lifts examples into list responses from their item schema', () => {
    const lists = operations.flatMap(({ op }) => Object.entries(op.responses as Record<string, Json>)
      .filter(([status, r]) => status.startsWith('2') && r.content?.['application/json']?.schema?.properties?.data?.items?.examples)
      .map(([, r]) => r.content['application/json']));
    for (const media of lists) {
      expect(media.example).toEqual({ object: 'list', data: [media.schema.properties.data.items.examples[0]], has_more: false });
    }
    expect(missingExamples({ paths: { '/x': { post: { operationId: 'x.create', requestBody: { content: { 'application/json': { schema: {} } } }, responses: {} } } } }))
      .toEqual([{ operation: 'x.create', where: 'request body' }]);
  });

  it('serves /docs without the hosted-service buttons, from local assets', async () => {
    const res = await t.app.inject({ url: '/docs/' });
    expect(res.statusCode).toBe(200);
    const config = JSON.parse(/createApiReference\('#app', (\{[\s\S]*?\})\)/.exec(res.body)![1]!);
    expect(config).toMatchObject({
      url: '/openapi.json', hideClientButton: true, hideTestRequestButton: true, showDeveloperTools: 'never', telemetry: false, agent: { disabled: true },
    });
    expect(res.body).not.toMatch(/https?:\/\//);
  });
});
