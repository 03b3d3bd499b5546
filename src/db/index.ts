import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { typeParsers } from './types.ts';
import { Availability, DatabaseUnavailableError, isConnectionError } from './availability.ts';

export { Availability, DatabaseUnavailableError, isConnectionError, type AvailabilityEvent } from './availability.ts';

export type Row = Record<string, unknown>;

export interface QueryOptions {
  /**
   * Prepare the statement once per connection and reuse its plan: for the
   * hot path's few statements whose text never changes (only their array
   * parameters do). The embedded database ignores it.
   */
  prepare?: boolean;
}

export interface Queryable {
  query<R extends Row = Row>(sql: string, params?: readonly unknown[], options?: QueryOptions): Promise<pg.QueryResult<R>>;
}

/** A prepared statement's name: one per distinct text, so a connection never sees one name with two texts. */
const statementName = (sql: string) => `t${crypto.createHash('sha1').update(sql).digest('hex').slice(0, 20)}`;

/** A query handle bound to one open transaction. */
export type Tx = Queryable;

export type Isolation = 'read committed' | 'repeatable read' | 'serializable';

export interface TransactionOptions {
  isolation?: Isolation;
  /** Attempts in all, including the first; serialization failures and deadlocks are retried. */
  attempts?: number;
  /**
   * Statements without parameters to run first, sent together with BEGIN in
   * one round trip (the simple protocol): the authorization batch takes its
   * row locks this way. Build literals with textLiteral().
   */
  prelude?: string;
}

export interface Db extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  /**
   * Whether the database answered last time, with one event when an outage
   * starts and one when it ends. Queries that fail because the database
   * cannot be reached (or the connection dropped) throw DatabaseUnavailableError.
   */
  readonly availability: Availability;
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
/**
 * Why 5 s: the longest a request waits for a connection (a free pool slot, or
 * a new connection to a server that does not answer) before it answers 503;
 * well above any wait under load, well below a client's own timeout.
 */
export const POOL_CONNECT_TIMEOUT_MS = 5_000;

const RETRYABLE = new Set(['40001', '40P01']);

export function isRetryable(err: unknown): boolean {
  return typeof err === 'object' && err !== null && RETRYABLE.has((err as { code?: string }).code ?? '');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const READ_STATEMENT = /^\s*(SELECT|SHOW)\b/i;
/** Words that make a SELECT act: the ledger's writing functions, sequences, locks, row locks. */
const ACTING_WORDS = /\b(INSERT|UPDATE|DELETE|ledger_create_\w+|nextval|setval|pg_\w*advisory\w*|FOR\s+(NO\s+KEY\s+)?UPDATE|FOR\s+(KEY\s+)?SHARE)\b/i;

/** A plain read: running it twice is the same as running it once. When unsure, it is not. */
export function changesNothing(sql: string): boolean {
  return READ_STATEMENT.test(sql) && !ACTING_WORDS.test(sql);
}

class PoolDb implements Db {
  readonly availability = new Availability();

  constructor(
    readonly kind: 'postgres' | 'pglite',
    private readonly pool: pg.Pool,
    private readonly poolSize: number,
  ) {}

  async query<R extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<pg.QueryResult<R>> {
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await this.pool.query<R>(sql, params as unknown[] | undefined);
        this.availability.succeeded();
        return result;
      } catch (err) {
        // A pooled connection can die while idle (a terminated backend, a restart) a moment before the pool hears of
        // it. A statement that changes nothing is safe to send once more on a fresh connection; a write is not (its
        // outcome is unknown), so it answers 503 and the client retries with its idempotency key.
        // Every idle connection may have died at once, so each stale one gets its turn (it is destroyed on failure).
        if (attempt <= this.poolSize && isConnectionError(err) && changesNothing(sql)) continue;
        throw this.#outcome(err);
      }
    }
  }

  async withClient<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.#connect();
    let broken: Error | undefined;
    try {
      return await fn(client);
    } catch (err) {
      if (isConnectionError(err)) broken = err as Error;
      throw this.#outcome(err);
    } finally {
      client.release(broken);
    }
  }

  async transaction<T>(fn: (tx: Tx) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    const attempts = Math.min(options.attempts ?? TRANSACTION_ATTEMPTS_MAX, TRANSACTION_ATTEMPTS_MAX);
    const begin = options.isolation ? `BEGIN ISOLATION LEVEL ${options.isolation.toUpperCase()}` : 'BEGIN';
    let staleRetries = 0;
    for (let attempt = 1; ; attempt++) {
      const client = await this.#connect();
      // A client whose connection failed is destroyed on release (release(err)), never handed out again.
      let broken: Error | undefined;
      let began = false;
      try {
        await client.query(options.prelude ? `${begin}; ${options.prelude}` : begin);
        began = true;
        const tx: Tx = {
          query: (sql, params, opts) => (opts?.prepare
            ? client.query({ name: statementName(sql), text: sql, values: params as unknown[] | undefined })
            : client.query(sql, params as unknown[] | undefined)),
        };
        const result = await fn(tx);
        await client.query('COMMIT');
        this.availability.succeeded();
        return result;
      } catch (err) {
        if (isConnectionError(err)) {
          broken = err as Error;
        } else {
          try {
            await client.query('ROLLBACK');
          } catch (rollbackErr) {
            broken = rollbackErr as Error;
          }
        }
        // A pooled connection that died while idle (a server restart) fails at BEGIN, before anything ran: another
        // try is safe, and spares the first requests after an outage a needless 503. Every idle connection may have
        // died at once, so each gets its turn (a failed one is destroyed).
        if (broken && !began && staleRetries < this.poolSize) {
          staleRetries++;
          attempt--;
          continue;
        }
        if (attempt < attempts && isRetryable(err)) {
          await sleep(Math.random() * 10 * attempt);
          continue;
        }
        throw this.#outcome(err);
      } finally {
        client.release(broken);
      }
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  async #connect(): Promise<pg.PoolClient> {
    try {
      return await this.pool.connect();
    } catch (err) {
      throw this.#outcome(err);
    }
  }

  /** What a failed call throws: an outage becomes DatabaseUnavailableError (noted once); anything else proves the server answered. */
  #outcome(err: unknown): unknown {
    if (!isConnectionError(err)) {
      this.availability.succeeded();
      return err;
    }
    const unavailable = err instanceof DatabaseUnavailableError ? err : new DatabaseUnavailableError(err);
    this.availability.failed(unavailable);
    return unavailable;
  }
}

export function openPostgres(url: string, poolSize = POOL_SIZE_MAX): Db {
  const pool = new pg.Pool({
    connectionString: url, max: poolSize, types: typeParsers,
    connectionTimeoutMillis: POOL_CONNECT_TIMEOUT_MS,
    // TCP keepalive: a server that vanished without closing the socket (a network partition) is noticed.
    keepAlive: true,
  });
  // Without a listener, node-postgres's 'error' event (a terminated backend, a server restart) kills the process.
  // The failure itself surfaces in the query that was using the client, which turns it into a 503 and notes the
  // outage; an idle client that fails is dropped by the pool.
  pool.on('error', () => {});
  pool.on('connect', (client) => {
    client.on('error', () => {});
  });
  return new PoolDb('postgres', pool, poolSize);
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
  /** In-process: it never becomes unreachable. */
  readonly availability = new Availability();
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
        return await this.pglite.transaction(async (t) => {
          if (options.prelude) await t.exec(options.prelude);
          return fn({ query: (sql, params) => run(t, sql, params) });
        });
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
export { ADVISORY_LOCKS } from './locks.ts';
export { Statement, textLiteral } from './statement.ts';
export { startPassLoop, OUTAGE_BACKOFF_MAX_MS, type PassLoopOptions } from './passes.ts';
export { lockDataDir, DataDirLockedError } from './lock.ts';
