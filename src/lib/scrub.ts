import { luhnValid } from './luhn.ts';

/**
 * 13 to 19 digits, optionally grouped by single separators, not touching other
 * digits. A separator is a space or a dash, also as they arrive in URLs and
 * form bodies: `+` and `%20` (space), `%2D` (dash). The run must not start
 * inside a percent escape (the `20` of `%20`), and a digit that ends one does
 * not count as touching, so `%204242…` still starts at the 4.
 */
const SEPARATOR = /[ +-]|%20|%2[dD]/;
const PAN_CANDIDATE = new RegExp(
  `(?<!%[0-9A-Fa-f]?)(?<!(?<!%[0-9A-Fa-f])\\d)\\d(?:(?:${SEPARATOR.source})?\\d){12,18}(?!\\d)`, 'g');
const SEPARATORS = new RegExp(SEPARATOR.source, 'g');

/**
 * Replace every Luhn-valid 13–19 digit run in free text with a mask that keeps
 * only the last four digits. Log redaction works by field path; this catches
 * card numbers that end up inside messages and free-text fields.
 */
export function scrubPans(text: string): string {
  if (text.length < 13) return text;
  return text.replace(PAN_CANDIDATE, (run) => {
    const digits = run.replace(SEPARATORS, '');
    return luhnValid(digits) ? `[PAN …${digits.slice(-4)}]` : run;
  });
}

/** Deep-scrub every string in a JSON-like value (returns a new value; cycles are cut). */
export function scrubDeep(value: unknown, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return scrubPans(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => scrubDeep(v, seen));
  const proto = Object.getPrototypeOf(value);
  // Only plain data is rewritten; class instances (requests, errors) go to their serializers untouched.
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = scrubDeep(v, seen);
  return out;
}
