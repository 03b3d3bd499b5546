import type { Config } from './config.ts';
import { lockDataDir, migrate, openPgliteDir, openPostgres, type Db } from './db/index.ts';
import { loadKeys, type KeyProvider } from './crypto/keys.ts';

/** What a process (server or CLI) opens before doing anything: keys and the migrated database. */
export interface Runtime {
  db: Db;
  keys: KeyProvider;
  warnings: string[];
  close(): Promise<void>;
}

export async function openRuntime(config: Config, options: { migrate: boolean } = { migrate: true }): Promise<Runtime> {
  const warnings: string[] = [];
  const { provider, warning } = loadKeys(config);
  if (warning) warnings.push(warning);
  let release = () => {};
  let db: Db;
  if (config.databaseUrl) {
    db = openPostgres(config.databaseUrl);
  } else {
    release = lockDataDir(config.dataDir);
    try {
      db = await openPgliteDir(config.dataDir);
    } catch (err) {
      release();
      throw err;
    }
  }
  try {
    if (options.migrate) await migrate(db);
  } catch (err) {
    await db.close();
    release();
    throw err;
  }
  return {
    db, keys: provider, warnings,
    async close() {
      await db.close();
      release();
    },
  };
}
