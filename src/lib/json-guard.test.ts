import { describe, expect, it } from 'vitest';
import { JSON_DEPTH_MAX, checkJsonText, findLoneSurrogate } from './json-guard.ts';

describe('checkJsonText', () => {
  it.each([
    ['{"a": 1, "b": {"a": 2}}', null],
    ['[{"a": 1}, {"a": 2}]', null],
    ['{"a": "x\\"a\\": 1", "b": 1}', null],
    ['{"a": 1, "a": 2}', { problem: 'duplicate_key', key: 'a' }],
    ['{"a": 1, "\\u0061": 2}', { problem: 'duplicate_key', key: 'a' }],
    ['{"x": {"b": [1, {"c": 1, "c": 2}]}}', { problem: 'duplicate_key', key: 'c' }],
    ['{"a": {}, "a": []}', { problem: 'duplicate_key', key: 'a' }],
    ['{"a": "unterminated', null],
    ['[['.repeat(JSON_DEPTH_MAX), { problem: 'too_deep' }],
    ['['.repeat(JSON_DEPTH_MAX) + ']'.repeat(JSON_DEPTH_MAX), null],
  ])('%s → %o', (text, expected) => {
    expect(checkJsonText(text)).toEqual(expected);
  });
});

describe('findLoneSurrogate', () => {
  it('finds lone surrogates in values and keys, not in paired ones', () => {
    expect(findLoneSurrogate({ a: 'ok 😀', b: ['x', 'y\ud800'] })).toBe('b.1');
    expect(findLoneSurrogate({ ['k\udc00']: 1 })).toBe('k\udc00');
    expect(findLoneSurrogate({ a: 'fine' })).toBeNull();
  });
});
