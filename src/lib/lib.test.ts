import { describe, expect, it } from 'vitest';
import { luhnCheckDigit, luhnValid } from './luhn.ts';
import { scrubDeep, scrubPans } from './scrub.ts';
import { canonicalJson } from './canonical-json.ts';
import { findNul } from './json-walk.ts';
import { isId, newId } from './ids.ts';

describe('luhn', () => {
  it.each([
    ['4111111111111111', true],
    ['4111111111111112', false],
    ['5555555555554444', true],
    ['378282246310005', true],
    ['0', true],
    ['', false],
    ['41111a1111111111', false],
  ])('%s → %s', (digits, valid) => expect(luhnValid(digits)).toBe(valid));

  it('computes the check digit', () => {
    expect(luhnCheckDigit('411111111111111')).toBe('1');
    expect(luhnValid('532312345678901' + luhnCheckDigit('532312345678901'))).toBe(true);
  });
});

describe('scrubPans', () => {
  it.each([
    ['card 4111111111111111 end', 'card [PAN …1111] end'],
    ['grouped 4111 1111 1111 1111', 'grouped [PAN …1111]'],
    ['dashed 5555-5555-5555-4444', 'dashed [PAN …4444]'],
    ['not luhn 4111111111111112', 'not luhn 4111111111111112'],
    ['too short 411111111111', 'too short 411111111111'],
    ['a timestamp 1795316068434 stays', 'a timestamp 1795316068434 stays'],
    // As card numbers arrive in URLs and form bodies: percent-encoded spaces and dashes, and + for a space.
    ['/v1/cards/4242%204237%205660%207176', '/v1/cards/[PAN …7176]'],
    ['/v1/cards/4242+4237+5660+7176?expand=x', '/v1/cards/[PAN …7176]?expand=x'],
    ['n=4242%2D4237%2d5660%2D7176&a=1', 'n=[PAN …7176]&a=1'],
    ['mixed 4242 4237-5660+7176', 'mixed [PAN …7176]'],
    ['after an escape %204242423756607176%20', 'after an escape %20[PAN …7176]%20'],
    ['after an escape that ends in a digit x%414242423756607176', 'after an escape that ends in a digit x%41[PAN …7176]'],
    ['not luhn 4242%204237%205660%207177', 'not luhn 4242%204237%205660%207177'],
    ['touching a digit 14242423756607176', 'touching a digit 14242423756607176'],
  ])('%s', (input, output) => expect(scrubPans(input)).toBe(output));

  it('scrubs plain objects deeply and leaves class instances alone', () => {
    const d = new Date(0);
    expect(scrubDeep({ a: ['x 4111111111111111'], b: { c: 1, d } })).toEqual({ a: ['x [PAN …1111]'], b: { c: 1, d } });
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every level and writes bigint as a string', () => {
    expect(canonicalJson({ b: 1, a: { d: 2n, c: [3, { z: 1, y: 2 }] } })).toBe('{"a":{"c":[3,{"y":2,"z":1}],"d":"2"},"b":1}');
  });
});

describe('findNul', () => {
  it('names the first field with a NUL', () => {
    expect(findNul({ a: 'ok', b: { c: ['x', 'y\u0000'] } })).toBe('b.c.1');
    expect(findNul({ a: 'ok' })).toBeNull();
    expect(findNul('\u0000')).toBe('(body)');
  });
});

describe('ids', () => {
  it('makes prefixed, sortable ids', () => {
    const a = newId('merchant');
    const b = newId('merchant');
    expect(isId('merchant', a)).toBe(true);
    expect(isId('apiKey', a)).toBe(false);
    expect(isId('merchant', 'mch_' + 'z'.repeat(26))).toBe(false);
    expect(a < b).toBe(true);
  });
});
