import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validate } from '@scalar/openapi-parser';
import { buildTestApp, type TestApp } from '../harness.ts';
import { expectExamplesValid } from '../fixtures/schema-examples.ts';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => t.close());

describe('health, readiness, metrics', () => {
  it('answers /health without credentials', async () => {
    const res = await t.app.inject({ url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
    expect(res.headers['request-id']).toMatch(/^req_/);
  });

  it('answers /ready with the database kind once migrations are applied', async () => {
    const res = await t.app.inject({ url: '/ready' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ready', database: t.db.kind });
  });

  it('reports 503 from /ready when a migration is missing', async () => {
    await t.db.query("DELETE FROM schema_migrations WHERE name = '0001_foundation'");
    try {
      const res = await t.app.inject({ url: '/ready' });
      expect(res.statusCode).toBe(503);
      expect(res.json().status).toBe('unavailable');
    } finally {
      await t.db.query("INSERT INTO schema_migrations (name, run_on) VALUES ('0001_foundation', now())");
    }
  });

  it('counts requests by route template in /metrics', async () => {
    await t.app.inject({ url: '/health' });
    const res = await t.app.inject({ url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toMatch(/tessera_http_requests_total\{method="GET",route="\/health",status="200"\} \d+/);
    expect(res.body).toContain('tessera_http_request_duration_seconds_bucket');
  });
});

describe('OpenAPI', () => {
  it('serves a valid OpenAPI 3.1 document', async () => {
    const res = await t.app.inject({ url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe('3.1.0');
    const result = await validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('gives every operation a summary, a description and its error responses', async () => {
    const doc = (await t.app.inject({ url: '/openapi.json' })).json();
    const operations = Object.entries(doc.paths as Record<string, Record<string, { summary?: string; description?: string; responses?: Record<string, unknown> }>>)
      .flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method, op })));
    expect(operations.length).toBeGreaterThan(5);
    for (const { path, method, op } of operations) {
      const where = `${method.toUpperCase()} ${path}`;
      expect(op.summary, where).toBeTruthy();
      expect(op.description, where).toBeTruthy();
      if (path.startsWith('/v1') || path.startsWith('/admin')) {
        expect(Object.keys(op.responses ?? {}), where).toEqual(expect.arrayContaining(['400', '401']));
      }
    }
    expect(doc.components.schemas.Error).toBeDefined();
  });

  it('documents /metrics as Prometheus text and /ready with its 503, without credentials', async () => {
    const doc = (await t.app.inject({ url: '/openapi.json' })).json();
    const metrics = doc.paths['/metrics'].get;
    expect(metrics.operationId).toBe('system.metrics');
    expect(Object.keys(metrics.responses['200'].content)).toEqual(['text/plain']);
    expect(Object.keys(doc.paths['/ready'].get.responses)).toEqual(expect.arrayContaining(['200', '503']));
    for (const path of ['/health', '/ready', '/metrics']) expect(doc.paths[path].get.security ?? [], path).toEqual([]);
  });

  it('the examples of the admin, auth, system, webhook and signing-key schemas are valid', async () => {
    const modules = await Promise.all([
      import('../../src/http/presenters/merchants.ts'), import('../../src/http/presenters/audit.ts'),
      import('../../src/http/presenters/ledger.ts'), import('../../src/http/presenters/signatures.ts'),
      import('../../src/http/routes/webhooks/schemas.ts'), import('../../src/http/routes/admin/merchants/create.ts'),
      import('../../src/http/routes/admin/merchants/create-key.ts'), import('../../src/http/routes/admin/merchants/suspend.ts'),
      import('../../src/http/routes/auth/create-token.ts'), import('../../src/http/routes/auth/retrieve-merchant.ts'),
      import('../../src/http/routes/system/health.ts'), import('../../src/http/routes/system/ready.ts'),
      import('../../src/http/routes/signing-keys/create.ts'), import('../../src/http/routes/signing-keys/delete.ts'),
      import('../../src/http/routes/signing-keys/update-settings.ts'),
    ]);
    expect(expectExamplesValid(modules)).toBeGreaterThanOrEqual(25);
  });

  it('serves the reference at /docs from local assets', async () => {
    const res = await t.app.inject({ url: '/docs/' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<div id="app"></div>');
    expect(res.body).not.toMatch(/https?:\/\/cdn\./);
    const js = await t.app.inject({ url: '/docs/js/scalar.js' });
    expect(js.statusCode).toBe(200);
  });
});
