import { DomainError } from '../lib/errors.ts';
import { shardOf } from '../lib/hash.ts';
import type { BatchItem, ItemOutcome } from './engine.ts';

/**
 * Why 256: a batch is one read and one write statement; at 256 items the
 * write carries about 15,000 parameters (PostgreSQL takes 65,535), and at a few
 * milliseconds per batch it is more than the concurrency one process serves.
 */
export const AUTHORIZATION_BATCH_MAX = 256;
/**
 * Why 2 lanes on PostgreSQL: a batch spends its time in turns — Node decides
 * and prepares while the database waits, the database reads and writes while
 * Node waits — so a second batch in flight fills the gaps. Measured with
 * `npm run bench` on the 2-core machine this was tuned on (spread, 64
 * connections): 1 lane 1,491/s (machine 31 % idle), 2 lanes 1,434/s (16 %
 * idle), 4 lanes 1,208/s (smaller batches, more commits). With more cores set
 * TESSERA_AUTHORIZATION_LANES to 4 or 8. The embedded database is one
 * connection: one lane.
 */
export const AUTHORIZATION_LANES_POSTGRES = 2;
/**
 * Why 4,096 waiting authorizations per process: at the few thousand per
 * second a process serves that is about a second of work, already longer than
 * a card network waits for an answer; past it a request gets 503 at once
 * (with Retry-After) instead of queueing without bound.
 */
export const AUTHORIZATION_QUEUE_MAX = 4_096;

export type RunBatch = (items: readonly BatchItem[]) => Promise<ItemOutcome[]>;

export interface BatchObserver {
  /** A batch committed (or failed) with this many items after this many milliseconds. */
  batch(size: number, ms: number, ok: boolean): void;
}

interface Waiting {
  item: BatchItem;
  resolve: (o: ItemOutcome) => void;
  reject: (err: unknown) => void;
}

/**
 * One lane of group commit: requests that arrive while its batch is running
 * wait, then go together in the next batch — one transaction for all. At
 * low load a request starts a batch at once (no fixed wait). A batch that
 * fails (the database dropped) rejects only its own requests.
 */
class Lane {
  queue: Waiting[] = [];
  running = 0;
  #drainers: (() => void)[] = [];

  constructor(private readonly run: RunBatch, private readonly maxBatch: number, private readonly stats: LaneStats, private readonly observer?: BatchObserver) {}

  push(w: Waiting): void {
    this.queue.push(w);
    if (this.running === 0) void this.#drain();
  }

  idle(): Promise<void> {
    if (this.running === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#drainers.push(resolve));
  }

  async #drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        this.running = batch.length;
        const started = performance.now();
        try {
          const out = await this.run(batch.map((w) => w.item));
          this.stats.batches++;
          this.stats.items += batch.length;
          this.observer?.batch(batch.length, performance.now() - started, true);
          batch.forEach((w, i) => w.resolve(out[i]!));
        } catch (err) {
          this.observer?.batch(batch.length, performance.now() - started, false);
          for (const w of batch) w.reject(err);
        }
      }
    } finally {
      this.running = 0;
      for (const resolve of this.#drainers.splice(0)) resolve();
    }
  }
}

interface LaneStats {
  batches: number;
  items: number;
}

/**
 * Pipelined group commit: several lanes, each running one batch at a time,
 * so that the database works on one lane's batch while Node prepares
 * another's. An authorization goes to a lane by its card (a hash of the card
 * id): one card's authorizations stay in order, and lanes rarely wait for each
 * other's rows.
 */
export class AuthorizationLanes {
  readonly #lanes: Lane[];
  readonly #stats: LaneStats = { batches: 0, items: 0 };

  constructor(run: RunBatch, options: { lanes: number; maxBatch?: number; queueMax?: number; observer?: BatchObserver }) {
    this.#lanes = Array.from({ length: options.lanes }, () => new Lane(run, options.maxBatch ?? AUTHORIZATION_BATCH_MAX, this.#stats, options.observer));
    this.queueMax = options.queueMax ?? AUTHORIZATION_QUEUE_MAX;
  }

  readonly queueMax: number;

  submit(item: BatchItem): Promise<ItemOutcome> {
    if (this.pending >= this.queueMax) {
      return Promise.reject(new DomainError('service_unavailable', 'Too many authorizations are waiting; retry after the time in Retry-After.'));
    }
    const lane = this.#lanes[laneOf(item.request.cardId, this.#lanes.length)]!;
    return new Promise((resolve, reject) => lane.push({ item, resolve, reject }));
  }

  get lanes(): number {
    return this.#lanes.length;
  }

  /** Authorizations waiting or in a running batch. */
  get pending(): number {
    return this.#lanes.reduce((n, l) => n + l.queue.length + l.running, 0);
  }

  /** Per lane: waiting authorizations (for the queue-depth gauge). */
  get depths(): number[] {
    return this.#lanes.map((l) => l.queue.length);
  }

  /** Batches committed and items in them since start, and items not answered yet. */
  get stats() {
    return { batches: this.#stats.batches, items: this.#stats.items, pending: this.pending };
  }

  /** Resolves once nothing is queued or committing: shutdown waits for this before closing the database. */
  async idle(): Promise<void> {
    await Promise.all(this.#lanes.map((l) => l.idle()));
  }
}

/** The lane of a card. Lanes count must divide SETTLEMENT_SHARDS: then a lane's cards credit only its own shards of the merchant's settlement accounts. */
export function laneOf(cardId: string, lanes: number): number {
  return shardOf(cardId, lanes);
}
