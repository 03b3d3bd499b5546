import fs from 'node:fs';
import crypto from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { PGlite } from '@electric-sql/pglite';
import type { FastifyInstance } from 'fastify';
import { openPglite, openPostgres, type Db } from '../src/db/index.ts';
import { buildApp, type BuildOptions } from '../src/app.ts';
import { loadConfig, type Config } from '../src/config.ts';
import { SoftwareKeyProvider, type KeyProvider } from '../src/crypto/keys.ts';
import { ManualClock, type Clock } from '../src/lib/clock.ts';
import { databaseUrl } from './global-setup.ts';

export interface TestDb {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** The connection string of this test's own database (postgres only). */
  url: string | null;
  close(): Promise<void>;
}

/** True when the suite runs against a real PostgreSQL server (DATABASE_URL is set). */
export const onPostgres = Boolean(process.env.DATABASE_URL);

let pgliteDump: Blob | null = null;

/**
 * A fresh, migrated database for one test file: a PGlite loaded from the
 * run's migrated dump, or a uniquely named PostgreSQL database copied from the
 * run's template and dropped on close.
 */
export async function createTestDb(options: { poolSize?: number } = {}): Promise<TestDb> {
  const serverUrl = process.env.DATABASE_URL;
  const template = inject('postgresTemplate');
  if (serverUrl && template) {
    const name = `tessera_t_${crypto.randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    for (let attempt = 1; ; attempt++) {
      try {
        await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
        break;
      } catch (err) {
        // Another worker copying the same template at this instant: try again shortly.
        if (attempt >= 20 || !/being accessed by other users/.test(String(err))) throw err;
        await new Promise((r) => setTimeout(r, 50 * attempt));
      }
    }
    await admin.end();
    const url = databaseUrl(serverUrl, name);
    const db = openPostgres(url, options.poolSize ?? 10);
    return {
      db, kind: 'postgres', url,
      async close() {
        await db.close();
        const a = new pg.Client({ connectionString: serverUrl });
        await a.connect();
        await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await a.end();
      },
    };
  }
  pgliteDump ??= new Blob([fs.readFileSync(inject('pgliteTemplate'))]);
  const pglite = await PGlite.create({ loadDataDir: pgliteDump });
  const db = openPglite(pglite, true);
  return { db, kind: 'pglite', url: null, close: () => db.close() };
}

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

/**
 * Rate limits out of the way: tests send hundreds of requests a second from one address with one key, and the
 * shared security cases fail authentication on purpose. Rate-limit tests set their own.
 */
const UNLIMITED = {
  rateLimitLivePerSecond: 1_000_000, rateLimitSandboxPerSecond: 1_000_000, rateLimitAddressPerSecond: 1_000_000, authFailuresPerMinute: 1_000_000,
} satisfies Partial<Config>;

export function testConfig(overrides: Partial<Config> = {}): Config {
  return Object.freeze({
    ...loadConfig({ TESSERA_ADMIN_TOKEN: ADMIN_TOKEN, LOG_LEVEL: 'silent' }, process.cwd()),
    ...UNLIMITED,
    ...overrides,
  });
}

export interface TestApp {
  app: FastifyInstance;
  db: Db;
  clock: ManualClock;
  keys: KeyProvider;
  config: Config;
  close(): Promise<void>;
}

export interface TestAppOptions {
  config?: Partial<Config>;
  clock?: Clock;
  logger?: BuildOptions['logger'];
  /** Add test-only routes before the app is sealed. */
  extend?: (app: FastifyInstance) => void;
}

export async function buildTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const testDb = await createTestDb();
  const clock = (options.clock as ManualClock | undefined) ?? new ManualClock(new Date('2026-11-22T12:00:00Z'));
  const keys = new SoftwareKeyProvider(crypto.randomBytes(32));
  const config = testConfig(options.config);
  const app = await buildApp({ config, db: testDb.db, clock, keys }, { logger: options.logger ?? false });
  options.extend?.(app);
  await app.ready();
  return {
    app, db: testDb.db, clock, keys, config,
    async close() {
      await app.close();
      await testDb.close();
    },
  };
}

export const adminHeaders = { authorization: `Bearer ${ADMIN_TOKEN}` };
export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

/** Create a merchant through the admin API; returns its id and sandbox key. */
export async function createMerchant(app: FastifyInstance, name = 'Test merchant'): Promise<{ id: string; key: string }> {
  const res = await app.inject({ method: 'POST', url: '/admin/v1/merchants', headers: adminHeaders, payload: { name } });
  if (res.statusCode !== 201) throw new Error(`createMerchant: ${res.statusCode} ${res.body}`);
  const body = res.json() as { id: string; sandbox_api_key: string };
  return { id: body.id, key: body.sandbox_api_key };
}
