import { luhnValid } from './luhn.ts';

// 13 to 19 digits, optionally grouped by single spaces or dashes, not touching other digits.
const PAN_CANDIDATE = /(?<!\d)\d(?:[ -]?\d){12,18}(?!\d)/g;

/**
 * Replace every Luhn-valid 13–19 digit run in free text with a mask that keeps
 * only the last four digits. Log redaction works by field path; this catches
 * card numbers that end up inside messages and free-text fields.
 */
export function scrubPans(text: string): string {
  if (text.length < 13) return text;
  return text.replace(PAN_CANDIDATE, (run) => {
    const digits = run.replace(/[ -]/g, '');
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
