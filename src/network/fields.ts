/**
 * Tessera's ISO 8583:1987 ASCII profile as data: one row per data element
 * (docs/iso8583.md, "Fields"). The codec reads and writes from this table
 * alone, so a field is added or changed here and nowhere else.
 *
 * Types, as ISO 8583 names them:
 *   n    digits 0–9
 *   an   letters and digits; space is allowed too, because fixed-length
 *        alphanumeric fields are space-padded in practice (DE 38, DE 37)
 *   ans  any printable ASCII character (0x20–0x7E)
 *   z    track 2 characters: digits, `=` and `D` (the field separator)
 *   b    binary, sent as hexadecimal ASCII: `length` is in bits, so b64 is
 *        16 hexadecimal characters
 * Length: `fixed` is exactly `length` characters; `llvar` and `lllvar` are
 * prefixed by their length in 2 or 3 ASCII digits, at most `length`.
 */
export type FieldType = 'n' | 'an' | 'ans' | 'z' | 'b';
export type FieldLength = 'fixed' | 'llvar' | 'lllvar';

export interface FieldSpec {
  name: string;
  type: FieldType;
  length: FieldLength;
  /** Characters (bits for `b`): exact when fixed, the maximum when variable. */
  max: number;
  /** Never written to a log, not even masked (PIN block, track data). */
  secret?: true;
}

export const FIELDS: ReadonlyMap<number, FieldSpec> = new Map<number, FieldSpec>([
  [2, { name: 'primary account number', type: 'n', length: 'llvar', max: 19 }],
  [3, { name: 'processing code', type: 'n', length: 'fixed', max: 6 }],
  [4, { name: 'amount, transaction', type: 'n', length: 'fixed', max: 12 }],
  [7, { name: 'transmission date and time', type: 'n', length: 'fixed', max: 10 }],
  [11, { name: 'system trace audit number', type: 'n', length: 'fixed', max: 6 }],
  [12, { name: 'time, local transaction', type: 'n', length: 'fixed', max: 6 }],
  [13, { name: 'date, local transaction', type: 'n', length: 'fixed', max: 4 }],
  [14, { name: 'date, expiration', type: 'n', length: 'fixed', max: 4 }],
  [15, { name: 'date, settlement', type: 'n', length: 'fixed', max: 4 }],
  [18, { name: 'merchant type', type: 'n', length: 'fixed', max: 4 }],
  [19, { name: 'acquiring institution country code', type: 'n', length: 'fixed', max: 3 }],
  [22, { name: 'point of service entry mode', type: 'n', length: 'fixed', max: 3 }],
  [25, { name: 'point of service condition code', type: 'n', length: 'fixed', max: 2 }],
  [32, { name: 'acquiring institution identification code', type: 'n', length: 'llvar', max: 11 }],
  [35, { name: 'track 2 data', type: 'z', length: 'llvar', max: 37, secret: true }],
  [37, { name: 'retrieval reference number', type: 'an', length: 'fixed', max: 12 }],
  [38, { name: 'authorization identification response', type: 'an', length: 'fixed', max: 6 }],
  [39, { name: 'response code', type: 'an', length: 'fixed', max: 2 }],
  [41, { name: 'card acceptor terminal identification', type: 'ans', length: 'fixed', max: 8 }],
  [42, { name: 'card acceptor identification code', type: 'ans', length: 'fixed', max: 15 }],
  [43, { name: 'card acceptor name/location', type: 'ans', length: 'fixed', max: 40 }],
  [45, { name: 'track 1 data', type: 'ans', length: 'llvar', max: 76, secret: true }],
  [48, { name: 'additional data, private', type: 'ans', length: 'lllvar', max: 999 }],
  [49, { name: 'currency code, transaction', type: 'n', length: 'fixed', max: 3 }],
  [52, { name: 'personal identification number data', type: 'b', length: 'fixed', max: 64, secret: true }],
  [70, { name: 'network management information code', type: 'n', length: 'fixed', max: 3 }],
  [90, { name: 'original data elements', type: 'n', length: 'fixed', max: 42 }],
  [95, { name: 'replacement amounts', type: 'an', length: 'fixed', max: 42 }],
]);

/** Characters of a field's value on the wire (hexadecimal digits for binary fields). */
export const wireLength = (spec: FieldSpec, max = spec.max): number => (spec.type === 'b' ? max / 4 : max);

const CHARSETS: Record<FieldType, RegExp> = {
  n: /^[0-9]*$/,
  an: /^[A-Za-z0-9 ]*$/,
  ans: /^[\x20-\x7E]*$/,
  z: /^[0-9=D]*$/,
  b: /^[0-9A-Fa-f]*$/,
};

/** Null when `value` fits the field's type, else why not. */
export function charsetProblem(spec: FieldSpec, value: string): string | null {
  if (CHARSETS[spec.type].test(value)) return null;
  switch (spec.type) {
    case 'n': return 'non-digit in a numeric field';
    case 'an': return 'a character other than a letter, digit or space in an alphanumeric field';
    case 'ans': return 'a character outside printable ASCII';
    case 'z': return 'a character other than a digit, = or D in track 2 data';
    case 'b': return 'a non-hexadecimal character in a binary field';
  }
}

/**
 * Why 4,096 bytes: the longest message this profile can form (every field at
 * its maximum, both bitmaps) is under 1,500 bytes; a frame longer than twice
 * that is not one of ours, and the connection is closed rather than buffered.
 */
export const FRAME_MAX_BYTES = 4096;
