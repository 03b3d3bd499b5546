/** Why 24 h: a Retry-After beyond the longest step of a retry schedule is a receiver bug, not a plan. */
export const RETRY_AFTER_MAX_MS = 24 * 3_600_000;

/**
 * Retry-After as delta-seconds or an HTTP date (RFC 9110 §10.2.3), in ms from now, at most RETRY_AFTER_MAX_MS;
 * null when absent or unreadable. Pure, so both webhook delivery and the notification providers read it alike.
 */
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
