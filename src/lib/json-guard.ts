/**
 * Checks on a JSON request body that JSON.parse does not make. Deep nesting
 * is refused before parsing (recursive walkers must not overflow the stack);
 * duplicate keys are refused because parsers disagree on which one wins, and
 * a proxy, a signature checker and this server must all see the same value.
 */

/** Why 64: the deepest body any route takes is 3 levels; 64 leaves room and bounds every walk. */
export const JSON_DEPTH_MAX = 64;

export type JsonTextProblem = { problem: 'too_deep' } | { problem: 'duplicate_key'; key: string };

/**
 * One pass over the text, tolerant of invalid JSON (JSON.parse reports that).
 * Tracks, per open object, the keys seen so far, comparing keys as decoded
 * ("a" and "\u0061" are the same key).
 */
export function checkJsonText(text: string): JsonTextProblem | null {
  // One frame per open container: the keys of an object, or null for an array.
  const stack: ({ keys: Set<string>; wantKey: boolean } | null)[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const top = stack[stack.length - 1];
      if (top?.wantKey) {
        let key: string;
        try {
          key = JSON.parse(text.slice(i, j + 1)) as string;
        } catch {
          return null;
        }
        if (top.keys.has(key)) return { problem: 'duplicate_key', key };
        top.keys.add(key);
        top.wantKey = false;
      }
      i = j;
    } else if (c === '{' || c === '[') {
      if (stack.length >= JSON_DEPTH_MAX) return { problem: 'too_deep' };
      stack.push(c === '{' ? { keys: new Set(), wantKey: true } : null);
    } else if (c === '}' || c === ']') {
      stack.pop();
    } else if (c === ',') {
      const top = stack[stack.length - 1];
      if (top) top.wantKey = true;
    }
  }
  return null;
}

/** A lone UTF-16 surrogate (from a "\ud800" escape) cannot be stored as UTF-8: it would silently become U+FFFD. */
const LONE_SURROGATE = /\p{Surrogate}/u;

/** The dotted path of the first string or key holding a lone surrogate, or null. */
export function findLoneSurrogate(value: unknown, path = ''): string | null {
  if (typeof value === 'string') return LONE_SURROGATE.test(value) ? path || '(body)' : null;
  if (value === null || typeof value !== 'object') return null;
  const entries: [string, unknown][] = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value);
  for (const [k, v] of entries) {
    const child = path ? `${path}.${k}` : k;
    if (LONE_SURROGATE.test(k)) return child;
    const found = findLoneSurrogate(v, child);
    if (found !== null) return found;
  }
  return null;
}
