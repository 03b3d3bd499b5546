import pg from 'pg';

/**
 * What every benchmark script needs around its runs: cleanups that run once,
 * also on failure and on signals, and throwaway databases on the server under
 * test (dropped by those cleanups).
 */

const cleanups: Array<() => Promise<void>> = [];
let cleaning: Promise<void> | null = null;

/** Run `fn` when the bench ends, however it ends; later registrations run first. */
export function onCleanup(fn: () => Promise<void>): void {
  cleanups.push(fn);
}

export function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (const fn of cleanups.reverse()) {
      try {
        await fn();
      } catch (err) {
        process.stderr.write(`bench: cleanup step failed: ${err instanceof Error ? err.message : String(err)}\n`);
      }
    }
  })();
  return cleaning;
}

/** Clean up on a crash (exit 1) or a signal (exit 130). Call once, at the start. */
export function cleanupOnExit(options: { onCrash: boolean }): void {
  if (options.onCrash) {
    for (const event of ['unhandledRejection', 'uncaughtException'] as const) {
      process.once(event, (err: unknown) => {
        process.stderr.write(`bench: ${event}: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
        void cleanup().then(() => process.exit(1));
      });
    }
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write(`bench: ${signal}, cleaning up\n`);
      void cleanup().then(() => process.exit(130));
    });
  }
}

export function dbUrl(serverUrl: string, database: string): string {
  const u = new URL(serverUrl);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function adminQuery<R extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<R[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<R>(sql, params)).rows;
  } finally {
    await c.end();
  }
}

/** A database of its own on the server (the name must be a plain identifier); dropped at cleanup. */
export async function createDatabase(serverUrl: string, name: string, log?: (msg: string) => void): Promise<string> {
  await adminQuery(serverUrl, `CREATE DATABASE ${name}`);
  onCleanup(async () => {
    await adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    log?.(`dropped database ${name}`);
  });
  return dbUrl(serverUrl, name);
}
