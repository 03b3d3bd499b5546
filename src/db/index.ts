import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { typeParsers } from './types.ts';

export type Row = Record<string, unknown>;

export interface Queryable {
  query<R extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<pg.QueryResult<R>>;
}

/** A query handle bound to one open transaction. */
export type Tx = Queryable;

export type Isolation = 'read committed' | 'repeatable read' | 'serializable';

export interface TransactionOptions {
  isolation?: Isolation;
  /** Attempts in all, including the first; serialization failures and deadlocks are retried. */
  attempts?: number;
}

export interface Db extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  /**
   * Run fn in one transaction; commit when it resolves, roll back when it throws.
   * A serialization failure (40001) or deadlock (40P01) reruns fn from the start,
   * so fn must not have effects outside the database.
   */
  transaction<T>(fn: (tx: Tx) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /** A dedicated client for tools that need one (migrations). */
  withClient<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Why 5: a retry only helps when contention is brief; past that the caller should see the failure. */
export const TRANSACTION_ATTEMPTS_MAX = 5;
/** Connections per process against a PostgreSQL server; the authorization batcher needs few. */
export const POOL_SIZE_MAX = 20;

const RETRYABLE = new Set(['40001', '40P01']);

export function isRetryable(err: unknown): boolean {
  return typeof err === 'object' && err !== null && RETRYABLE.has((err as { code?: string }).code ?? '');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

class PoolDb implements Db {
  constructor(
    readonly kind: 'postgres' | 'pglite',
    private readonly pool: pg.Pool,
    private readonly onClose: () => Promise<void> = async () => {},
  ) {}

  query<R extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<pg.QueryResult<R>> {
    return this.pool.query<R>(sql, params as unknown[] | undefined);
  }

  async withClient<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      return await fn(client);
    } finally {
      client.release();
    }
  }

  async transaction<T>(fn: (tx: Tx) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    const attempts = Math.min(options.attempts ?? TRANSACTION_ATTEMPTS_MAX, TRANSACTION_ATTEMPTS_MAX);
    const begin = options.isolation ? `BEGIN ISOLATION LEVEL ${options.isolation.toUpperCase()}` : 'BEGIN';
    for (let attempt = 1; ; attempt++) {
      const client = await this.pool.connect();
      let broken = false;
      try {
        await client.query(begin);
        const tx: Tx = { query: (sql, params) => client.query(sql, params as unknown[] | undefined) };
        const result = await fn(tx);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        try {
          await client.query('ROLLBACK');
        } catch {
          broken = true; // the connection is gone; do not return it to the pool
        }
        if (attempt < attempts && isRetryable(err)) {
          await sleep(Math.random() * 10 * attempt);
          continue;
        }
        throw err;
      } finally {
        client.release(broken);
      }
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
    await this.onClose();
  }
}

export function openPostgres(url: string, poolSize = POOL_SIZE_MAX): Db {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, types: typeParsers });
  // An idle client's error (server restart) must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  return new PoolDb('postgres', pool);
}

/**
 * PGlite through its own query API. (Its node-postgres adapter, 0.5, leaves
 * the connection out of step after any SQL error: the next queries fail or,
 * worse, answer with another statement's rows.) PGlite is one connection: a
 * query made outside an open transaction waits for it to finish. The adapter
 * serves only tools that need a node-postgres client (migrations).
 */
class PgliteDb implements Db {
  readonly kind = 'pglite' as const;
  #adapter: pg.Pool | null = null;

  constructor(private readonly pglite: PGlite, private readonly owned: boolean) {}

  query<R extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<pg.QueryResult<R>> {
    return run<R>(this.pglite, sql, params);
  }

  async transaction<T>(fn: (tx: Tx) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    // One connection: nothing concurrent can conflict, so isolation levels do not apply; the retry
    // contract of Db.transaction is kept for errors that carry a retryable code all the same.
    const attempts = Math.min(options.attempts ?? TRANSACTION_ATTEMPTS_MAX, TRANSACTION_ATTEMPTS_MAX);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.pglite.transaction((t) => fn({ query: (sql, params) => run(t, sql, params) }));
      } catch (err) {
        if (attempt < attempts && isRetryable(err)) continue;
        throw err;
      }
    }
  }

  async withClient<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    this.#adapter ??= new pg.Pool({ ...createPgConfig(this.pglite), max: 1, types: typeParsers });
    const client = await this.#adapter.connect();
    try {
      return await fn(client);
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.#adapter?.end();
    if (this.owned) await this.pglite.close();
  }
}

type PgliteQueryable = Pick<PGlite, 'query' | 'exec'>;

async function run<R extends Row>(q: PgliteQueryable, sql: string, params?: readonly unknown[]): Promise<pg.QueryResult<R>> {
  // Several statements without parameters (scripts, test resets) go through the simple protocol, as node-postgres does.
  const r = (!params || params.length === 0) && sql.includes(';')
    ? (await q.exec(sql, { parsers: PGLITE_PARSERS })).at(-1) as unknown as { rows: R[]; affectedRows?: number }
    : await q.query<R>(sql, params as unknown[] | undefined, { parsers: PGLITE_PARSERS });
  return { rows: r.rows, rowCount: r.affectedRows || r.rows.length, command: '', oid: 0, fields: [] } as unknown as pg.QueryResult<R>;
}

export function openPglite(pglite: PGlite, owned: boolean): Db {
  return new PgliteDb(pglite, owned);
}

/** Type parsers for PGlite, the same choices as node-postgres's (src/db/types.ts): int8 as bigint, dates as text, bytea as Buffer. */
export const PGLITE_PARSERS = {
  20: (v: string) => BigInt(v),
  // int8[]: a flat array literal of integers and NULLs, e.g. {1,-2,NULL}.
  1016: (v: string) => (v === '{}' ? [] : v.slice(1, -1).split(',').map((x) => (x === 'NULL' ? null : BigInt(x)))),
  1082: (v: string) => v,
  1700: (v: string) => v,
  17: (v: string) => Buffer.from(v.startsWith('\\x') ? v.slice(2) : v, 'hex'),
};

export async function openPgliteDir(dataDir: string): Promise<Db> {
  const dir = path.join(dataDir, 'pgdata');
  fs.mkdirSync(dir, { recursive: true });
  const pglite = await PGlite.create(dir);
  return openPglite(pglite, true);
}

export { migrate, pendingMigrations } from './migrate.ts';
export { lockDataDir, DataDirLockedError } from './lock.ts';
