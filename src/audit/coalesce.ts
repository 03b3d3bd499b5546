import type { Db } from '../db/index.ts';
import type { Clock } from '../lib/clock.ts';
import { appendAudit } from './index.ts';

/**
 * Failed attempts from outside (wrong keys, forged tokens, unverifiable
 * envelopes), audited without letting a flood stall the audit chain, whose
 * appends are serialized by one lock.
 *
 * Per origin and per minute, the first failure is appended at once, in full;
 * the ones after it are only counted here, and one summary row with the count
 * is appended when the minute is over (flushDue, on a timer) or when the
 * process stops (flushAll). A flood from one origin therefore writes two rows
 * a minute, whatever its rate, and no row is ever updated: the log stays
 * append-only. Counts live in this process: each process writes its own rows.
 */

/** Why 10,000: origins counted at once; past it, failures from further origins are counted together (origin null). */
export const COALESCED_ORIGINS_MAX = 10_000;
const MINUTE_MS = 60_000;

export interface FailedAttempt {
  action: string;
  /** The client address as seen. */
  origin: string;
  /** What failures are counted together under: the address, or its IPv6 /64 (one host rotates through those). */
  group: string;
  target: string | null;
  /** The error code (from a closed list) that the caller answered; counted per code in the summary. */
  code: string;
  /** Never secrets: codes, methods, reasons. */
  details: Record<string, unknown>;
}

interface Tally {
  action: string;
  group: string | null;
  minute: number;
  count: number;
  codes: Record<string, number>;
}

export interface FailureAuditOptions {
  /** Called when an append fails: the request that failed to authenticate must not fail again for it. */
  onError: (err: unknown) => void;
  /** COALESCED_ORIGINS_MAX unless a test wants to see the crowd. */
  originsMax?: number;
}

export class FailureAudit {
  readonly #tallies = new Map<string, Tally>();
  /** Origins tallied per minute: the crowd limit is per minute, whatever of past minutes still waits to be flushed. */
  readonly #origins = new Map<number, number>();
  #flushing: Promise<void> = Promise.resolve();

  constructor(private readonly db: Db, private readonly clock: Clock, private readonly options: FailureAuditOptions) {}

  /** Count one failure; the first of its origin and minute is appended before this resolves. */
  async record(attempt: FailedAttempt): Promise<void> {
    const at = this.clock.now();
    const minute = Math.floor(at.getTime() / MINUTE_MS);
    const crowded = (this.#origins.get(minute) ?? 0) >= (this.options.originsMax ?? COALESCED_ORIGINS_MAX)
      && !this.#tallies.has(tallyKey(attempt.action, attempt.group, minute));
    const group = crowded ? null : attempt.group;
    const key = tallyKey(attempt.action, group, minute);
    const tally = this.#tallies.get(key);
    if (tally) {
      tally.count += 1;
      tally.codes[attempt.code] = (tally.codes[attempt.code] ?? 0) + 1;
      return;
    }
    // Counted before the append is awaited, so that concurrent failures of the same origin only count.
    this.#tallies.set(key, { action: attempt.action, group, minute, count: 1, codes: { [attempt.code]: 1 } });
    this.#origins.set(minute, (this.#origins.get(minute) ?? 0) + 1);
    try {
      await this.db.transaction((tx) => appendAudit(tx, {
        actor: 'anonymous', action: attempt.action, target: attempt.target, result: 'failure',
        origin: crowded ? null : attempt.origin, at, details: { ...attempt.details, code: attempt.code },
      }));
    } catch (err) {
      this.options.onError(err);
    }
  }

  /** Append the summaries of the minutes that are over. */
  flushDue(): Promise<void> {
    return this.#flush(Math.floor(this.clock.now().getTime() / MINUTE_MS));
  }

  /** Append every summary, the current minute's too: at shutdown. */
  flushAll(): Promise<void> {
    return this.#flush(Infinity);
  }

  /** One flush at a time, so that two never take the same tallies. */
  #flush(beforeMinute: number): Promise<void> {
    this.#flushing = this.#flushing.then(() => this.#writeSummaries(beforeMinute));
    return this.#flushing;
  }

  async #writeSummaries(beforeMinute: number): Promise<void> {
    const due: Tally[] = [];
    for (const [key, tally] of this.#tallies) {
      if (tally.minute >= beforeMinute) continue;
      this.#tallies.delete(key);
      this.#origins.delete(tally.minute);
      // A lone failure was written in full already.
      if (tally.count > 1) due.push(tally);
    }
    if (due.length === 0) return;
    const at = this.clock.now();
    try {
      // One transaction, one lock: a minute with many origins costs one commit.
      await this.db.transaction(async (tx) => {
        for (const t of due) {
          await appendAudit(tx, {
            actor: 'anonymous', action: `${t.action}.summary`, target: null, result: 'failure', origin: t.group, at,
            details: {
              from: new Date(t.minute * MINUTE_MS).toISOString(), to: new Date((t.minute + 1) * MINUTE_MS).toISOString(),
              // Every failure of the minute, the one written on its own included.
              count: t.count, codes: t.codes,
            },
          });
        }
      });
    } catch (err) {
      this.options.onError(err);
    }
  }
}

const tallyKey = (action: string, group: string | null, minute: number) => `${minute}\n${action}\n${group ?? ''}`;
