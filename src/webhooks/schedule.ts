/**
 * The Standard Webhooks retry schedule: the delay before each attempt after
 * a failure (the first attempt is immediate). Ten attempts over about three
 * days, as SPEC §8 asks.
 */
export const RETRY_SCHEDULE_MS = [
  0, 5_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000, 5 * 3_600_000, 10 * 3_600_000, 14 * 3_600_000, 20 * 3_600_000, 24 * 3_600_000,
] as const;
export const ATTEMPTS_MAX = RETRY_SCHEDULE_MS.length;
/** Why 10%: enough to spread a burst of retries after an outage, never earlier than the schedule. */
export const JITTER_FRACTION = 0.1;
/** An endpoint failing without a single success for this long is disabled (SPEC §8). */
export const DISABLE_AFTER_MS = 5 * 24 * 3_600_000;
/** Retry-After parsing lives in lib/ (the notification providers read it too); re-exported for the dispatcher and tests. */
export { RETRY_AFTER_MAX_MS, retryAfterMs } from '../lib/retry-after.ts';

/** Delay before the next attempt after `attemptsMade` failed attempts, or null when the attempts are used up. */
export function nextDelayMs(attemptsMade: number, random: () => number): number | null {
  if (attemptsMade >= ATTEMPTS_MAX) return null;
  const base = RETRY_SCHEDULE_MS[attemptsMade]!;
  return Math.round(base * (1 + JITTER_FRACTION * random()));
}
