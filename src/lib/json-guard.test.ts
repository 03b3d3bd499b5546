import { describe, expect, it } from 'vitest';
import { JSON_DEPTH_MAX, checkJsonText, findLoneSurrogate, jsonPointer, scanJsonText } from './json-guard.ts';

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

describe('scanJsonText: number literals by JSON Pointer', () => {
  // [text, pointer, the literal's text there (undefined: no number there)]
  it.each([
    ['{"amount": 1.0000000000000001}', '/amount', '1.0000000000000001'],
    ['{"amount": 299.99999999999999}', '/amount', '299.99999999999999'],
    ['{"amount":9007199254740993}', '/amount', '9007199254740993'],
    ['{"amount": -0}', '/amount', '-0'],
    ['{"a": -12.5e-3, "b": 1E+2}', '/a', '-12.5e-3'],
    ['{"a": -12.5e-3, "b": 1E+2}', '/b', '1E+2'],
    ['{"amount": "1.0"}', '/amount', undefined],
    ['{"a": "x, 1, \\"2\\": 3", "b": 4}', '/b', '4'],
    ['{"a": "x, 1, \\"2\\": 3", "b": 4}', '/a', undefined],
    ['{"records": [{"amount": 5000.00}, {"amount": 1}]}', '/records/0/amount', '5000.00'],
    ['{"records": [{"amount": 5000.00}, {"amount": 1}]}', '/records/1/amount', '1'],
    ['{"records": [{"amount": 5000.00}, {"amount": 1}]}', '/records/2/amount', undefined],
    ['[1.50, [2.0, 3], {"x": [4e1]}]', '/0', '1.50'],
    ['[1.50, [2.0, 3], {"x": [4e1]}]', '/1/0', '2.0'],
    ['[1.50, [2.0, 3], {"x": [4e1]}]', '/1/1', '3'],
    ['[1.50, [2.0, 3], {"x": [4e1]}]', '/2/x/0', '4e1'],
    ['[1.50, [2.0, 3], {"x": [4e1]}]', '/2', undefined],
    ['[[], {}, 7]', '/2', '7'],
    ['{"0": 1, "x": [9]}', '/0', '1'],
    ['{"0": 1, "x": [9]}', '/x/0', '9'],
    ['{"a/b": 1.10, "a~b": 2.20, "a": {"b": 3}}', '/a~1b', '1.10'],
    ['{"a/b": 1.10, "a~b": 2.20, "a": {"b": 3}}', '/a~0b', '2.20'],
    ['{"a/b": 1.10, "a~b": 2.20, "a": {"b": 3}}', '/a/b', '3'],
    ['{"\\u0061mount": 1.5}', '/amount', '1.5'],
    ['{"amount": 1.5}', 'amount', undefined],
    ['{"a": {"b": 1}}', '/a', undefined],
    ['  12.0  ', '', '12.0'],
    ['{"a": true, "b": null, "c": false, "d": 0}', '/d', '0'],
  ])('%s at %j → %s', (text, pointer, literal) => {
    const { problem, numbers } = scanJsonText(text);
    expect(problem).toBeNull();
    expect(numbers.get(pointer)).toBe(literal);
  });

  it('notes every literal, and nothing else', () => {
    expect(scanJsonText('{"a": [1, -2, 3.5e0], "b": {"c": 4}, "d": "5", "e": [true, null]}').numbers.size).toBe(4);
  });

  it('keeps a large body cheap: one pass, lookups without a map', () => {
    const text = `{"x": [${Array(200_000).fill('1').join(',')}], "amount": 2.999999999999999999}`;
    const { numbers } = scanJsonText(text);
    expect(numbers.size).toBe(200_001);
    expect(numbers.get('/amount')).toBe('2.999999999999999999');
    expect(numbers.get('/x/199999')).toBe('1');
  });

  it('builds pointers as RFC 6901 says', () => {
    expect(jsonPointer(['records', 0, 'amount'])).toBe('/records/0/amount');
    expect(jsonPointer(['a/b', 'c~d'])).toBe('/a~1b/c~0d');
    expect(jsonPointer([])).toBe('');
  });
});

describe('findLoneSurrogate', () => {
  it('finds lone surrogates in values and keys, not in paired ones', () => {
    expect(findLoneSurrogate({ a: 'ok 😀', b: ['x', 'y\ud800'] })).toBe('b.1');
    expect(findLoneSurrogate({ ['k\udc00']: 1 })).toBe('k\udc00');
    expect(findLoneSurrogate({ a: 'fine' })).toBeNull();
  });
});
