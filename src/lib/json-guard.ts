/**
 * Checks on a JSON request body that JSON.parse does not make. Deep nesting
 * is refused before parsing (recursive walkers must not overflow the stack);
 * duplicate keys are refused because parsers disagree on which one wins, and
 * a proxy, a signature checker and this server must all see the same value.
 */

/** Why 64: the deepest body any route takes is 3 levels; 64 leaves room and bounds every walk. */
export const JSON_DEPTH_MAX = 64;

export type JsonTextProblem = { problem: 'too_deep' } | { problem: 'duplicate_key'; key: string };

/** RFC 6901 escaping of one reference token. */
const pointerToken = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

/** The JSON Pointer of a path: jsonPointer(['records', 0, 'amount']) = "/records/0/amount". */
export function jsonPointer(path: readonly (string | number)[]): string {
  return path.map((segment) => `/${pointerToken(String(segment))}`).join('');
}

/**
 * Where values sit, as parallel arrays (a body of 500,000 numbers must not
 * cost 500,000 objects): entry i is in container `parent[i]` (-1: the top
 * level) under the key or index `slot[i]`.
 */
interface Slots {
  parent: number[];
  slot: (string | number)[];
}

/**
 * The source text of every number literal in a JSON text, by JSON Pointer
 * (RFC 6901: "/amount", "/records/0/amount", "" for a bare number). JSON.parse
 * turns 1.0000000000000001 into 1 and 9007199254740993 into 9007199254740992,
 * and Node 20 has no reviver `context.source`: amounts are read from here,
 * never from the double. The scan only notes where each literal is, and a
 * lookup walks those notes (a route reads one or two amounts), so a large body
 * costs neither a map nor a string per number.
 */
export class NumberTexts {
  constructor(
    private readonly text: string,
    private readonly containers: Slots,
    /** Per literal: its slot, and its span [start, end) in the text. */
    private readonly literals: Slots & { start: number[]; end: number[] },
  ) {}

  static readonly EMPTY = new NumberTexts('', { parent: [], slot: [] }, { parent: [], slot: [], start: [], end: [] });

  get size(): number {
    return this.literals.start.length;
  }

  /** The literal's text at this pointer, or undefined when the value there is not a number. */
  get(pointer: string): string | undefined {
    if (pointer !== '' && !pointer.startsWith('/')) return undefined;
    const tokens = pointer === '' ? [] : pointer.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
    // The top-level value sits at slot '' of parent -1; each token then names a slot inside the container found so far.
    let parent = -1;
    let token = '';
    for (const next of tokens) {
      parent = find(this.containers, parent, token);
      if (parent < 0) return undefined;
      token = next;
    }
    const i = find(this.literals, parent, token);
    return i < 0 ? undefined : this.text.slice(this.literals.start[i], this.literals.end[i]);
  }
}

/** The entry in `parent` at slot `token` (an array index compared as its decimal text), or -1. */
function find(slots: Slots, parent: number, token: string): number {
  for (let i = 0; i < slots.parent.length; i++) {
    if (slots.parent[i] === parent && String(slots.slot[i]) === token) return i;
  }
  return -1;
}

export interface JsonTextScan {
  problem: JsonTextProblem | null;
  numbers: NumberTexts;
}

// Character codes: the scan compares numbers, not one-character strings.
const code = (ch: string) => ch.charCodeAt(0);
const [QUOTE, BACKSLASH, COMMA, MINUS, DIGIT_0, DIGIT_9] = [code('"'), code('\\'), code(','), code('-'), code('0'), code('9')];
const [OPEN_BRACE, CLOSE_BRACE, OPEN_BRACKET, CLOSE_BRACKET] = [code('{'), code('}'), code('['), code(']')];
/** The other characters of a JSON number (a malformed run is still one literal; JSON.parse refuses it). */
const NUMBER_PUNCTUATION = new Set(['.', '+', '-', 'e', 'E'].map(code));
const isNumberChar = (c: number) => (c >= DIGIT_0 && c <= DIGIT_9) || NUMBER_PUNCTUATION.has(c);

/**
 * One pass over the text, tolerant of invalid JSON (JSON.parse reports that).
 * Tracks, per open object, the keys seen so far, comparing keys as decoded
 * ("a" and "\u0061" are the same key), and notes where each number literal is.
 * Stops at the first problem.
 */
export function scanJsonText(text: string): JsonTextScan {
  // One frame per open container: its index in `containers`; for an object its keys and current key,
  // for an array (keys null) its current index.
  const stack: { id: number; keys: Set<string> | null; wantKey: boolean; key: string; index: number }[] = [];
  const containers: Slots = { parent: [], slot: [] };
  const literals: Slots & { start: number[]; end: number[] } = { parent: [], slot: [], start: [], end: [] };
  const note = (into: Slots) => {
    const top = stack[stack.length - 1];
    into.parent.push(top ? top.id : -1);
    into.slot.push(top ? (top.keys ? top.key : top.index) : '');
  };
  const done = (problem: JsonTextProblem | null): JsonTextScan => ({ problem, numbers: new NumberTexts(text, containers, literals) });
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      let j = i + 1;
      while (j < text.length && text.charCodeAt(j) !== QUOTE) j += text.charCodeAt(j) === BACKSLASH ? 2 : 1;
      const top = stack[stack.length - 1];
      if (top?.keys && top.wantKey) {
        let key: string;
        try {
          key = JSON.parse(text.slice(i, j + 1)) as string;
        } catch {
          return done(null);
        }
        if (top.keys.has(key)) return done({ problem: 'duplicate_key', key });
        top.keys.add(key);
        top.key = key;
        top.wantKey = false;
      }
      i = j;
    } else if (c === MINUS || (c >= DIGIT_0 && c <= DIGIT_9)) {
      let j = i + 1;
      while (j < text.length && isNumberChar(text.charCodeAt(j))) j++;
      note(literals);
      literals.start.push(i);
      literals.end.push(j);
      i = j - 1;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (stack.length >= JSON_DEPTH_MAX) return done({ problem: 'too_deep' });
      note(containers);
      const isObject = c === OPEN_BRACE;
      stack.push({ id: containers.parent.length - 1, keys: isObject ? new Set() : null, wantKey: isObject, key: '', index: 0 });
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      stack.pop();
    } else if (c === COMMA) {
      const top = stack[stack.length - 1];
      if (top?.keys) top.wantKey = true;
      else if (top) top.index++;
    }
  }
  return done(null);
}


/** The shape problems of scanJsonText alone. */
export function checkJsonText(text: string): JsonTextProblem | null {
  return scanJsonText(text).problem;
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
