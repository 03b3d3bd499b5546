/**
 * The dotted path of the first string (or key) in a parsed JSON value that
 * contains a NUL character, or null. PostgreSQL text cannot hold NUL, and no
 * legitimate field needs one, so such input is refused up front.
 */
export function findNul(value: unknown, path = ''): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path || '(body)' : null;
  if (value === null || typeof value !== 'object') return null;
  const entries: [string, unknown][] = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value);
  for (const [k, v] of entries) {
    const child = path ? `${path}.${k}` : k;
    if (k.includes('\u0000')) return child;
    const found = findNul(v, child);
    if (found !== null) return found;
  }
  return null;
}
