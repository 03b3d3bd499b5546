/**
 * Telling a database that cannot be reached from one that refused a query.
 * A dropped connection (a terminated backend, a server restart, a failover, a
 * network blip) is an outage: callers answer 503 and retry; nothing else
 * about the request was wrong.
 */

/** Node socket errors that mean the server is not there (or went away mid-conversation). */
const SOCKET_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN',
]);

/**
 * SQLSTATEs of an outage rather than of the statement: class 08 (connection
 * exception), 57P01–57P03 (admin shutdown, crash shutdown, cannot connect now:
 * a terminated backend, a stopping or recovering server), 53300 (too many
 * connections, as during a failover's reconnect storm).
 */
const OUTAGE_SQLSTATES = /^(08...|57P0[123]|53300)$/;

/** What node-postgres and pg-pool say, without a code, when a connection dies or cannot be had. */
const DRIVER_MESSAGES = [
  'Connection terminated',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
  'timeout exceeded when trying to connect',
  'Cannot use a pool after calling end on the pool',
];

export function isConnectionError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  if (err instanceof DatabaseUnavailableError) return true;
  const { code, message } = err as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (SOCKET_CODES.has(code) || OUTAGE_SQLSTATES.test(code))) return true;
  return typeof message === 'string' && DRIVER_MESSAGES.some((m) => message.startsWith(m));
}

/**
 * The database could not be reached, or the connection dropped mid-request.
 * When it dropped during COMMIT the outcome is unknown: the caller retries
 * with its idempotency key and gets either the committed result or a fresh
 * execution, never both.
 */
export class DatabaseUnavailableError extends Error {
  override name = 'DatabaseUnavailableError';
  constructor(cause: unknown) {
    // The driver's own message says nothing secret (no SQL, no parameters); it helps the operator.
    super(`database unavailable: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

export type AvailabilityEvent = { state: 'down'; error: Error } | { state: 'up'; downForMs: number };

/**
 * Why 1 s: after a restart, requests already holding a connection that died
 * fail for a moment after the first success; failures this soon after
 * recovery are the same outage, not a new one.
 */
export const RECOVERY_SETTLE_MS = 1_000;

/**
 * Whether the database answered last time, with one event per outage: one
 * when it starts and one when it has ended (the first success, confirmed by
 * RECOVERY_SETTLE_MS without a failure), however many queries fail between.
 */
export class Availability {
  #downSince: number | null = null;
  #firstSuccess: number | null = null;
  #settle: NodeJS.Timeout | null = null;
  #listeners: ((event: AvailabilityEvent) => void)[] = [];

  /** False from the first failure until a query succeeds again. */
  get up(): boolean {
    return this.#downSince === null || this.#firstSuccess !== null;
  }

  onChange(listener: (event: AvailabilityEvent) => void): () => void {
    this.#listeners.push(listener);
    return () => {
      this.#listeners = this.#listeners.filter((l) => l !== listener);
    };
  }

  failed(error: Error): void {
    if (this.#downSince !== null) {
      // Still the same outage (or the tail of it): wait for a new first success.
      this.#firstSuccess = null;
      if (this.#settle) clearTimeout(this.#settle);
      this.#settle = null;
      return;
    }
    this.#downSince = Date.now();
    this.#emit({ state: 'down', error });
  }

  succeeded(): void {
    if (this.#downSince === null || this.#firstSuccess !== null) return;
    this.#firstSuccess = Date.now();
    this.#settle = setTimeout(() => {
      const downForMs = this.#firstSuccess! - this.#downSince!;
      this.#downSince = null;
      this.#firstSuccess = null;
      this.#settle = null;
      this.#emit({ state: 'up', downForMs });
    }, RECOVERY_SETTLE_MS);
    this.#settle.unref();
  }

  #emit(event: AvailabilityEvent): void {
    for (const l of this.#listeners) {
      try {
        l(event);
      } catch {
        // A listener's failure (a logger) must not turn into the query's failure.
      }
    }
  }
}
