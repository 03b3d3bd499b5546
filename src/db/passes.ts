import { isConnectionError } from './availability.ts';

/** Why 16 s: during an outage a background loop asks at most this rarely; the work it does is retried for hours anyway. */
export const OUTAGE_BACKOFF_MAX_MS = 16_000;

export interface PassLoopOptions {
  /** For the log line of an unexpected failure. */
  job: string;
  intervalMs: number;
  /** One pass; answers true when it came back full and should run again at once. */
  pass: () => Promise<boolean>;
  log?: { error(obj: object, msg: string): void };
}

/**
 * A background loop of passes over the database (webhook and notification
 * delivery): a pass every interval, never two at once in this process (other
 * processes share the work through SKIP LOCKED), another at once while passes
 * come back full. While the database is unreachable it backs off (1, 2, 4 … 16
 * intervals' worth, at most OUTAGE_BACKOFF_MAX_MS) without a log line per
 * failure: the database layer reports the outage once.
 */
export function startPassLoop(options: PassLoopOptions): { stop(): void } {
  let running = false;
  let stopped = false;
  let outagePasses = 0;
  let notBefore = 0;
  const run = async () => {
    if (running || stopped || Date.now() < notBefore) return;
    running = true;
    try {
      while (!stopped && (await options.pass()));
      outagePasses = 0;
    } catch (err) {
      if (isConnectionError(err)) {
        notBefore = Date.now() + Math.min(options.intervalMs * 2 ** outagePasses, OUTAGE_BACKOFF_MAX_MS);
        outagePasses++;
      } else if (!stopped) {
        options.log?.error({ err, job: options.job }, 'job failed');
      }
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void run(), options.intervalMs);
  timer.unref();
  return {
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}
