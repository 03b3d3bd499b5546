import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import type { TestProject } from 'vitest/node';
import { migrate, openPglite, openPostgres } from '../src/db/index.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
    postgresTemplate: string | null;
  }
}

/** A URL for another database on the same server as `url`. */
export function databaseUrl(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/**
 * Migrate once per run: a PGlite data directory dumped to a file that each
 * test file loads, and (with DATABASE_URL) a template database on the
 * PostgreSQL server that each test file copies with CREATE DATABASE … TEMPLATE.
 */
export default async function setup(project: TestProject) {
  const run = crypto.randomBytes(4).toString('hex');
  const pglite = await PGlite.create();
  const db = openPglite(pglite, true);
  await migrate(db);
  const dump = await pglite.dumpDataDir('none');
  await db.close();
  const file = path.join(os.tmpdir(), `tessera-pglite-${run}.tar`);
  fs.writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  project.provide('pgliteTemplate', file);

  const serverUrl = process.env.DATABASE_URL;
  let template: string | null = null;
  if (serverUrl) {
    template = `tessera_tpl_${run}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${template}`);
    await admin.end();
    const tdb = openPostgres(databaseUrl(serverUrl, template), 1);
    await migrate(tdb);
    await tdb.close();
  }
  project.provide('postgresTemplate', template);

  return async () => {
    fs.rmSync(file, { force: true });
    if (serverUrl && template) {
      const admin = new pg.Client({ connectionString: serverUrl });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
      await admin.end();
    }
  };
}
