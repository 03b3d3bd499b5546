import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameReader, decode, encode, frame, type Message } from './codec.ts';
import { FIELDS, FRAME_MAX_BYTES } from './fields.ts';

const msg = (mti: string, fields: Record<number, string>): Message => ({ mti, fields: new Map(Object.entries(fields).map(([k, v]) => [Number(k), v])) });
const wire = (m: Message) => encode(m).toString('latin1');
const bytes = (s: string) => Buffer.from(s, 'latin1');

function decodeOk(text: string): Message {
  const r = decode(bytes(text));
  if (!r.ok) throw new Error(r.reason);
  return r.message;
}

function reason(text: string): string {
  const r = decode(bytes(text));
  if (r.ok) throw new Error('decoded a malformed message');
  return r.reason;
}

describe('field types, one line per type and length (docs/iso8583.md, "Encoding")', () => {
  // bit, value, what follows the bitmap on the wire
  const cases: [string, number, string, string][] = [
    ['n fixed (DE 3)', 3, '000000', '000000'],
    ['n fixed (DE 4, 12 digits)', 4, '000000012345', '000000012345'],
    ['n LLVAR (DE 2, 16 of 19)', 2, '4242424242424242', '164242424242424242'],
    ['n LLVAR (DE 2, 19 of 19)', 2, '4242424242424242424', '194242424242424242424'],
    ['n LLVAR (DE 32, 1 of 11)', 32, '7', '017'],
    ['an fixed (DE 37, letters, digits, space)', 37, 'AB12 345678Z', 'AB12 345678Z'],
    ['an fixed (DE 39)', 39, '00', '00'],
    ['ans fixed (DE 41, punctuation)', 41, 'T-01/#9~', 'T-01/#9~'],
    ['ans fixed (DE 43, 40)', 43, 'CORNER SHOP              PARIS        FR', 'CORNER SHOP              PARIS        FR'],
    ['z LLVAR (DE 35, track 2)', 35, '4242424242424242D2812101', '244242424242424242D2812101'],
    ['ans LLVAR (DE 45, track 1)', 45, 'B4242^DOE/J^2812', '16B4242^DOE/J^2812'],
    ['ans LLLVAR (DE 48)', 48, 'hello', '005hello'],
    ['ans LLLVAR (DE 48, empty)', 48, '', '000'],
    ['b fixed (DE 52, 64 bits as 16 hex)', 52, '0412AC89ABCDEF67', '0412AC89ABCDEF67'],
    ['n fixed in the secondary bitmap (DE 70)', 70, '301', '301'],
    ['n fixed (DE 90, 42)', 90, '010012345606121530450000001234500000000000', '010012345606121530450000001234500000000000'],
    ['an fixed (DE 95, 42)', 95, '000000000500000000000000000000000000000000', '000000000500000000000000000000000000000000'],
  ];
  it.each(cases)('%s', (_name, bit, value, expected) => {
    const m = msg('0100', { [bit]: value, 11: '000001' });
    const text = wire(m);
    const head = 4 + (bit > 64 ? 32 : 16);
    // Fields are in bit order: ours first when below 11, else after DE 11's six digits.
    const body = text.slice(head);
    expect(bit < 11 ? body.slice(0, expected.length) : body.slice(6)).toBe(expected);
    expect(decodeOk(text)).toEqual(m);
  });

  it('has a row for every field the profile names, each with a sane length', () => {
    for (const bit of [2, 3, 4, 7, 11, 12, 13, 14, 18, 22, 32, 37, 38, 39, 41, 42, 43, 49, 52, 70, 90, 95]) expect(FIELDS.has(bit), `DE ${bit}`).toBe(true);
    for (const [bit, spec] of FIELDS) {
      expect(spec.max, `DE ${bit}`).toBeGreaterThan(0);
      if (spec.length === 'llvar') expect(spec.max, `DE ${bit}`).toBeLessThanOrEqual(99);
      if (spec.type === 'b') expect(spec.max % 4, `DE ${bit}`).toBe(0);
    }
  });
});

describe('bitmaps', () => {
  it('writes the primary bitmap alone, upper-case hex, when no field is above 64', () => {
    expect(wire(msg('0200', { 3: '000000', 11: '000001' }))).toBe('02002020000000000000000000000001');
  });

  it('writes bit 1 and the secondary bitmap for fields 65–128 (the classic 0800 echo bitmaps)', () => {
    const text = wire(msg('0800', { 7: '0612153045', 11: '000001', 70: '301' }));
    expect(text.slice(0, 36)).toBe('0800' + '8220000000000000' + '0400000000000000');
    expect(decodeOk(text).fields).toEqual(new Map([[7, '0612153045'], [11, '000001'], [70, '301']]));
  });

  it('reads a lower-case bitmap as the same bits', () => {
    expect(decodeOk('0800822000000000000004000000000000000612153045000001301').fields.get(70)).toBe('301');
  });

  it('round-trips every field at once', () => {
    const all: Record<number, string> = {
      2: '4242424242424242', 3: '000000', 4: '000000001000', 7: '0612153045', 11: '123456', 12: '153045', 13: '0612', 14: '2812',
      15: '0613', 18: '5411', 19: '250', 22: '051', 25: '00', 32: '12345678901', 35: '4242424242424242D2812', 37: '415012123456',
      38: 'A1B2C3', 39: '00', 41: 'TERM0001', 42: 'SHOP00000000001', 43: 'SHOP'.padEnd(25) + 'PARIS'.padEnd(13) + 'FR', 45: 'B4242',
      48: 'x'.repeat(999), 49: '978', 52: 'FFFFFFFFFFFFFFFF', 70: '001', 90: '0'.repeat(42), 95: '0'.repeat(42),
    };
    const m = msg('0100', all);
    const encoded = encode(m);
    expect(encoded.length).toBeLessThan(FRAME_MAX_BYTES / 2);
    expect(decodeOk(encoded.toString('latin1'))).toEqual(m);
  });
});

describe('malformed messages are rejected with a reason', () => {
  const good = wire(msg('0100', { 2: '4242424242424242', 4: '000000001000', 11: '000001', 49: '840' }));
  const cases: [string, string, RegExp][] = [
    ['empty frame', '', /short frame: 0 bytes/],
    ['short frame: half an MTI', '01', /short frame/],
    ['MTI not digits', '01A0' + good.slice(4), /MTI is not 4 digits/],
    ['short frame: bitmap cut', good.slice(0, 12), /primary bitmap is incomplete/],
    ['bad bitmap: not hex', '0100' + 'G'.repeat(16) + good.slice(20), /primary bitmap is not 16 hexadecimal/],
    ['bad bitmap: no field set', '0100' + '0'.repeat(16), /sets no field/],
    ['secondary bitmap cut', '0800' + '8220000000000000' + '04000', /secondary bitmap is incomplete/],
    ['secondary bitmap not hex', '0800' + '8220000000000000' + 'ZZ00000000000000' + '0612153045000001301', /secondary bitmap is not 16/],
    ['a field outside the profile (DE 5)', '0100' + '0800000000000000' + '000000001000', /field 5 is not in this profile/],
    ['tertiary bitmap bit (65)', '0800' + '8220000000000000' + '8000000000000000' + '0612153045000001', /field 65 is not in this profile/],
    ['LLVAR longer than its maximum (DE 2: 20 > 19)', good.slice(0, 20) + '20' + '4'.repeat(20) + good.slice(38), /field 2 .*length 20 is over the maximum 19/],
    ['LLVAR prefix not digits', good.slice(0, 20) + '1X' + good.slice(22), /length prefix "1X"/],
    ['non-digit in a numeric field (DE 4)', good.replace('000000001000', '00000000100A'), /field 4 .*non-digit/],
    ['non-hex in a binary field (DE 52)', wire(msg('0100', { 11: '000001', 52: '0412AC89ABCDEF67' })).replace('EF67', 'EFG7'), /field 52 .*non-hexadecimal/],
    ['a byte outside ASCII in ans (DE 41)', wire(msg('0100', { 11: '000001', 41: 'TERM0001' })).replace('TERM0001', 'TERM000\u00e9'), /field 41 .*printable ASCII/],
    ['field cut short (DE 49)', good.slice(0, -1), /field 49 .*ends inside the field/],
    ['bytes after the last field', good + '99', /2 characters after the last field/],
  ];
  it.each(cases)('%s', (_name, text, expected) => {
    expect(reason(text)).toMatch(expected);
  });

  it('says which MTI and STAN it could read, and the fields read before the fault', () => {
    const r = decode(bytes(good.replace('840', '84X')));
    expect(r).toMatchObject({ ok: false, mti: '0100', stan: '000001', field: 49 });
    if (!r.ok) expect(r.fields.get(2)).toBe('4242424242424242');
    expect(decode(bytes(good.replace('000000001000', '00000000100A')))).toMatchObject({ ok: false, mti: '0100', stan: null });
  });

  it('refuses to encode what does not fit its field (a bug, not input)', () => {
    expect(() => encode(msg('0100', { 4: '1000' }))).toThrow(/12 characters/);
    expect(() => encode(msg('0100', { 2: '4'.repeat(20) }))).toThrow(/at most 19/);
    expect(() => encode(msg('0100', { 5: '1' }))).toThrow(/not in this profile/);
    expect(() => encode(msg('010', { 3: '000000' }))).toThrow(/4 digits/);
  });
});

describe('framing: a 2-byte big-endian length', () => {
  const one = encode(msg('0800', { 7: '0612153045', 11: '000001', 70: '301' }));

  it('prefixes the length', () => {
    const f = frame(one);
    expect(f.readUInt16BE(0)).toBe(one.length);
    expect(f.subarray(2)).toEqual(one);
  });

  it('reassembles frames however TCP splits and joins them', () => {
    const stream = Buffer.concat([frame(one), frame(one), frame(one)]);
    const reader = new FrameReader();
    const out: Buffer[] = [];
    for (let i = 0; i < stream.length; i += 7) {
      for (const e of reader.push(stream.subarray(i, i + 7))) if (e.kind === 'frame') out.push(e.message);
    }
    expect(out).toEqual([one, one, one]);
    expect(reader.buffered).toBe(0);
  });

  it('skips zero-length keep-alives', () => {
    const reader = new FrameReader();
    expect(reader.push(Buffer.concat([Buffer.from([0, 0]), frame(one)]))).toEqual([{ kind: 'frame', message: one }]);
  });

  it('reports a frame over the maximum once, then reads nothing more', () => {
    const reader = new FrameReader();
    const head = Buffer.alloc(2);
    head.writeUInt16BE(FRAME_MAX_BYTES + 1);
    expect(reader.push(head)).toEqual([{ kind: 'too_large', length: FRAME_MAX_BYTES + 1 }]);
    expect(reader.push(frame(one))).toEqual([]);
  });
});

describe('nothing a counterparty sends makes the codec throw (property tests)', () => {
  it('decodes any bytes to a message or a reason, never an exception', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      const r = decode(Buffer.from(bytes));
      expect(typeof r.ok).toBe('boolean');
    }), { numRuns: 2000 });
  });

  it('decodes any valid message back to itself, and any truncation of it to a reason', () => {
    const valueOf = (bit: number) => {
      const spec = FIELDS.get(bit)!;
      const chars = { n: '0123456789', an: 'AZaz09 ', ans: ' !~aZ9#', z: '0123456789=D', b: '0123456789ABCDEF' }[spec.type];
      const max = spec.type === 'b' ? spec.max / 4 : spec.max;
      const min = spec.length === 'fixed' ? max : 0;
      return fc.array(fc.constantFrom(...chars.split('')), { minLength: min, maxLength: Math.min(max, 60) }).map((a) => a.join(''))
        .filter((v) => spec.length !== 'fixed' || v.length === max);
    };
    const fixedShort = [...FIELDS].filter(([, spec]) => spec.length !== 'fixed' || (spec.type === 'b' ? spec.max / 4 : spec.max) <= 60).map(([bit]) => bit);
    const message = fc.subarray(fixedShort, { minLength: 1 }).chain((bits) =>
      fc.tuple(...bits.map((bit) => valueOf(bit).map((v) => [bit, v] as [number, string]))).map((entries) => ({ mti: '0100', fields: new Map(entries) })));
    fc.assert(fc.property(message, fc.nat(), (m, cut) => {
      const bytes = encode(m);
      expect(decode(bytes)).toEqual({ ok: true, message: m });
      const truncated = decode(bytes.subarray(0, cut % bytes.length));
      expect(truncated.ok).toBe(false);
    }), { numRuns: 500 });
  });
});
