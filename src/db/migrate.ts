import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';
import type { Db } from './index.ts';

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../migrations');
const TABLE = 'schema_migrations';

const silent = { debug() {}, info() {}, warn() {}, error() {} };

/** Apply every pending SQL migration in one transaction. Returns the names applied. */
export async function migrate(db: Db): Promise<string[]> {
  const applied = await db.withClient((client) =>
    runner({
      dbClient: client,
      dir: MIGRATIONS_DIR,
      migrationsTable: TABLE,
      direction: 'up',
      singleTransaction: true,
      checkOrder: true,
      logger: silent,
      log: () => {},
    }),
  );
  return applied.map((m) => m.name);
}

/** Migration files not yet recorded as applied; /ready is not ready while any remain. */
export async function pendingMigrations(db: Db): Promise<string[]> {
  const files = fs
    .readdirSync(MIGRATIONS_DIR)
    .filter((f) => f.endsWith('.sql'))
    .map((f) => f.replace(/\.sql$/, ''))
    .sort();
  const exists = await db.query<{ t: string | null }>(`SELECT to_regclass('public.${TABLE}')::text AS t`);
  if (!exists.rows[0]?.t) return files;
  const done = await db.query<{ name: string }>(`SELECT name FROM ${TABLE}`);
  const names = new Set(done.rows.map((r) => r.name));
  return files.filter((f) => !names.has(f));
}
