import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { SoftwareKeyProvider } from '../../src/crypto/keys.ts';
import { ManualClock } from '../../src/lib/clock.ts';
import { mutation } from '../../src/http/plugins/idempotency.ts';
import { adminHeaders, bearer, createMerchant, createTestDb, testConfig, type TestDb } from '../harness.ts';

// Built here rather than with buildTestApp: the PostgreSQL branch needs the database's URL for pg_dump.
let testDb: TestDb;
let app: FastifyInstance;
beforeAll(async () => {
  testDb = await createTestDb();
  const keys = new SoftwareKeyProvider(crypto.randomBytes(32));
  const clock = new ManualClock(new Date('2026-11-22T12:00:00Z'));
  // Loopback webhook URLs (never contacted here) need the development setting.
  app = await buildApp({ config: testConfig({ webhooksAllowPrivate: true }), db: testDb.db, clock, keys }, { logger: false });
  // A route that forgets to declare { secret: true }: the store's shape check must seal its answer anyway.
  app.post('/v1/test/undeclared_secret', (request, reply) =>
    mutation(request, reply, async () => ({ status: 200, body: { secret: `whsec_${crypto.randomBytes(32).toString('base64')}` } })));
  await app.ready();
});
afterAll(async () => {
  await app.close();
  await testDb.close();
});

/** Send twice with one Idempotency-Key; the second must be a replay of the first. */
async function sendTwice(options: InjectOptions, key: string) {
  const send = () => app.inject({ ...options, headers: { ...options.headers, 'idempotency-key': key } });
  const first = await send();
  expect(first.statusCode, first.body).toBeLessThan(300);
  const again = await send();
  expect(again.headers['idempotent-replayed']).toBe('true');
  expect(again.statusCode).toBe(first.statusCode);
  expect(again.json()).toEqual(first.json());
  return first.json() as Record<string, unknown>;
}

/** Every row of every table in the public schema, as text. */
async function tableText(): Promise<string> {
  const { rows } = await testDb.db.query<{ table_name: string }>(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name");
  expect(rows.map((r) => r.table_name)).toContain('idempotency_keys');
  const parts: string[] = [];
  for (const { table_name: table } of rows) {
    const data = await testDb.db.query<{ row: string }>(`SELECT row_to_json(t)::text AS row FROM "${table}" t`);
    parts.push(...data.rows.map((r) => `${table}: ${r.row}`));
  }
  return parts.join('\n');
}

describe('responses that carry a secret are stored sealed', () => {
  it('merchant and key creation, webhook endpoints, rotate_secret and the authorization endpoint: replayable, never in clear', async () => {
    const merchant = await sendTwice({ method: 'POST', url: '/admin/v1/merchants', headers: adminHeaders, payload: { name: 'Sealed' } }, 'k-merchant');
    const sandboxKey = merchant.sandbox_api_key as string;
    expect(sandboxKey).toMatch(/^sk_sandbox_/);
    const issued = await sendTwice({
      method: 'POST', url: `/admin/v1/merchants/${String(merchant.id)}/keys`, headers: adminHeaders, payload: { mode: 'sandbox' },
    }, 'k-key');
    const apiKey = issued.api_key as string;
    expect(apiKey).toMatch(/^sk_sandbox_/);

    const endpoint = await sendTwice({
      method: 'POST', url: '/v1/webhook_endpoints', headers: bearer(apiKey), payload: { url: 'http://127.0.0.1:9/hook', events: ['*'] },
    }, 'k-endpoint');
    const rotated = await sendTwice({ method: 'POST', url: `/v1/webhook_endpoints/${String(endpoint.id)}/rotate_secret`, headers: bearer(apiKey) }, 'k-rotate');
    const decision = await sendTwice({
      method: 'PUT', url: '/v1/authorization_endpoint', headers: bearer(sandboxKey), payload: { url: 'http://127.0.0.1:9/decide', fallback: 'approve' },
    }, 'k-decision');
    const whsecs = [endpoint.secret, rotated.secret, decision.secret] as string[];
    for (const s of whsecs) expect(s).toMatch(/^whsec_/);
    expect(new Set(whsecs).size).toBe(3);
    // The replayed keys still work: the replay is of real secrets, not of placeholders.
    expect((await app.inject({ url: '/v1/merchant', headers: bearer(sandboxKey) })).statusCode).toBe(200);

    const sealed = await testDb.db.query<{ key: string; body: unknown; body_sealed: Buffer | null }>(
      "SELECT key, body, body_sealed FROM idempotency_keys WHERE key LIKE 'k-%' ORDER BY key");
    expect(sealed.rows.map((r) => r.key)).toEqual(['k-decision', 'k-endpoint', 'k-key', 'k-merchant', 'k-rotate']);
    for (const r of sealed.rows) {
      expect(r.body, r.key).toBeNull();
      expect(r.body_sealed?.length, r.key).toBeGreaterThan(0);
    }

    const secrets = [sandboxKey, apiKey, ...whsecs];
    const text = await tableText();
    expect(text).toContain(String(endpoint.id));
    for (const s of secrets) expect(text, 'a secret in the tables').not.toContain(s);
    expect(text).not.toMatch(/sk_(sandbox|live)_[A-Za-z0-9_-]{43}/);
    expect(text).not.toMatch(/whsec_[A-Za-z0-9+/]{20}/);

    if (testDb.kind === 'postgres') {
      const dump = spawnSync('pg_dump', ['--dbname', testDb.url!], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
      if ((dump.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
        console.warn('pg_dump is not on the PATH: the pg_dump check is skipped (the table scan above still ran)');
      } else {
        expect(dump.status, dump.stderr).toBe(0);
        expect(dump.stdout).toContain('idempotency_keys');
        for (const s of secrets) expect(dump.stdout, 'a secret in pg_dump').not.toContain(s);
        expect(dump.stdout).not.toMatch(/whsec_[A-Za-z0-9+/]{20}/);
      }
    }
  });

  it('a sealed response opens only in its own row', async () => {
    const a = await sendTwice({ method: 'POST', url: '/admin/v1/merchants', headers: adminHeaders, payload: { name: 'Swap A' } }, 'swap-a');
    await sendTwice({ method: 'POST', url: '/admin/v1/merchants', headers: adminHeaders, payload: { name: 'Swap B' } }, 'swap-b');
    await testDb.db.query(
      `UPDATE idempotency_keys SET body_sealed = (SELECT body_sealed FROM idempotency_keys WHERE key = 'swap-a' AND scope = 'admin')
       WHERE key = 'swap-b' AND scope = 'admin'`);
    const swapped = await app.inject({ method: 'POST', url: '/admin/v1/merchants', headers: { ...adminHeaders, 'idempotency-key': 'swap-b' }, payload: { name: 'Swap B' } });
    expect(swapped.statusCode).toBe(500);
    expect(swapped.body).not.toContain(a.sandbox_api_key as string);
  });

  it('seals a secret-shaped answer from a route that did not declare one', async () => {
    const { key } = await createMerchant(app, 'Undeclared');
    const body = await sendTwice({ method: 'POST', url: '/v1/test/undeclared_secret', headers: bearer(key), payload: {} }, 'k-undeclared');
    const { rows } = await testDb.db.query<{ body: unknown; body_sealed: Buffer | null }>(
      "SELECT body, body_sealed FROM idempotency_keys WHERE key = 'k-undeclared'");
    expect(rows[0]).toMatchObject({ body: null, body_sealed: expect.any(Buffer) });
    expect(await tableText()).not.toContain(body.secret as string);
  });

  it('keeps other responses in clear, as before', async () => {
    const merchant = await createMerchant(app, 'Clear');
    const revoked = await sendTwice({ method: 'POST', url: `/admin/v1/merchants/${merchant.id}/keys`, headers: adminHeaders, payload: { mode: 'sandbox' } }, 'k-clear-key');
    const res = await sendTwice({
      method: 'DELETE', url: `/admin/v1/merchants/${merchant.id}/keys/${String(revoked.id)}`, headers: adminHeaders,
    }, 'k-clear-revoke');
    expect(res.prefix).toMatch(/^sk_sandbox_/);
    const { rows } = await testDb.db.query<{ body: { id: string } | null; body_sealed: Buffer | null }>(
      "SELECT body, body_sealed FROM idempotency_keys WHERE key = 'k-clear-revoke'");
    expect(rows[0]).toMatchObject({ body: { id: revoked.id }, body_sealed: null });
  });
});
