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
/** Why 24 h: a Retry-After beyond the longest step of the schedule is a receiver bug, not a plan. */
export const RETRY_AFTER_MAX_MS = 24 * 3_600_000;

/** Delay before the next attempt after `attemptsMade` failed attempts, or null when the attempts are used up. */
export function nextDelayMs(attemptsMade: number, random: () => number): number | null {
  if (attemptsMade >= ATTEMPTS_MAX) return null;
  const base = RETRY_SCHEDULE_MS[attemptsMade]!;
  return Math.round(base * (1 + JITTER_FRACTION * random()));
}

/** Retry-After as delta-seconds or an HTTP date (RFC 9110 §10.2.3), in ms from now; null when absent or unreadable. */
export function retryAfterMs(value: string | undefined, now: Date): number | null {
  if (value === undefined || value.trim() === '') return null;
  const v = value.trim();
  let ms: number;
  if (/^\d+$/.test(v)) ms = Number(v) * 1000;
  else {
    // An HTTP date (IMF-fixdate ends in GMT); anything else is unreadable, not a date to guess at.
    if (!/GMT$/.test(v)) return null;
    const at = Date.parse(v);
    if (Number.isNaN(at)) return null;
    ms = at - now.getTime();
  }
  return Math.min(Math.max(ms, 0), RETRY_AFTER_MAX_MS);
}
