import type { Db } from '../db/index.ts';
import { authorizeBatch, type PreparedAuthorization } from './engine.ts';
import type { PresentedAuthorization } from './store.ts';

/**
 * Why 256: a batch holds one statement's worth of rows per table (20 columns
 * × 256 parameters stays far below PostgreSQL's 65,535), and at the hot path's
 * few milliseconds per batch it is more than the request concurrency we serve.
 */
export const AUTHORIZATION_BATCH_MAX = 256;

interface Waiting {
  item: PreparedAuthorization;
  resolve: (a: PresentedAuthorization) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit for the authorization hot path: requests that arrive while a
 * batch is committing wait, then go together in the next batch — one ledger
 * call and one database transaction for all of them. At low load a request
 * starts a batch at once (no fixed wait); each request is answered only after
 * its batch commits.
 */
export class AuthorizationBatcher {
  #queue: Waiting[] = [];
  #running = false;
  #batches = 0;
  #items = 0;
  #inBatch = 0;
  #idle: (() => void)[] = [];

  constructor(private readonly db: Db, private readonly maxBatch = AUTHORIZATION_BATCH_MAX) {}

  submit(item: PreparedAuthorization): Promise<PresentedAuthorization> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      if (!this.#running) void this.#drain();
    });
  }

  /** Batches committed and items in them, and items not answered yet (waiting or in the running batch), for metrics and tests. */
  get stats() {
    return { batches: this.#batches, items: this.#items, pending: this.#queue.length + this.#inBatch };
  }

  /** Resolves once nothing is queued or committing: shutdown waits for this before closing the database. */
  idle(): Promise<void> {
    if (!this.#running && this.#queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  async #drain(): Promise<void> {
    this.#running = true;
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue.splice(0, this.maxBatch);
        this.#inBatch = batch.length;
        try {
          const out = await this.db.transaction((tx) => authorizeBatch(tx, batch.map((w) => w.item)));
          this.#batches++;
          this.#items += batch.length;
          batch.forEach((w, i) => w.resolve(out[i]!));
        } catch (err) {
          for (const w of batch) w.reject(err);
        }
      }
    } finally {
      this.#inBatch = 0;
      this.#running = false;
      for (const resolve of this.#idle.splice(0)) resolve();
    }
  }
}
