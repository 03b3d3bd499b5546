import { assert } from '../lib/assert.ts';
import { FIELDS, FRAME_MAX_BYTES, charsetProblem, wireLength, type FieldSpec } from './fields.ts';

/**
 * ISO 8583:1987 in ASCII, as docs/iso8583.md defines it: MTI (4 digits),
 * primary bitmap (16 hexadecimal characters), a secondary bitmap when bit 1
 * is set, then the fields present in bit order, each as FIELDS describes it.
 * Values are kept as their wire text (binary fields as hexadecimal); the
 * mapping (mapping.ts) gives them meaning.
 *
 * Written here rather than taken from npm: the one maintained JavaScript codec
 * (iso_8583) ships no types, brings an XML library in beta and date-fns 2, and
 * its default field table is not this profile, so it would be configured field
 * by field anyway; this profile is 28 fields and a bitmap.
 */
export interface Message {
  mti: string;
  /** Data element number → its value as sent (hexadecimal for binary fields). */
  fields: Map<number, string>;
}

export type DecodeResult =
  | { ok: true; message: Message }
  /**
   * What could still be read: with the MTI and DE 11 the link answers 30 (echoing the fields read before the
   * fault); without them it closes the connection.
   */
  | { ok: false; reason: string; field: number | null; mti: string | null; stan: string | null; fields: Map<number, string> };

const MTI_PATTERN = /^[0-9]{4}$/;
const BITMAP_PATTERN = /^[0-9A-Fa-f]{16}$/;
const BITMAP_CHARS = 16;

/** The data elements a bitmap sets, in order (offset 0 for the primary, 64 for the secondary). */
function bitsOf(hex: string, offset: number): number[] {
  const bits: number[] = [];
  for (let i = 0; i < BITMAP_CHARS; i++) {
    const nibble = parseInt(hex[i]!, 16);
    for (let b = 0; b < 4; b++) if (nibble & (8 >> b)) bits.push(offset + i * 4 + b + 1);
  }
  return bits;
}

/** One field at `pos`: its value and where the next starts, or why it cannot be read. */
function readField(text: string, pos: number, spec: FieldSpec): { value: string; next: number } | { problem: string } {
  let length = wireLength(spec);
  if (spec.length !== 'fixed') {
    const digits = spec.length === 'llvar' ? 2 : 3;
    const prefix = text.slice(pos, pos + digits);
    if (prefix.length < digits) return { problem: 'the message ends inside the length prefix' };
    if (!/^[0-9]+$/.test(prefix)) return { problem: `length prefix "${prefix}" is not ${digits} digits` };
    length = Number(prefix);
    if (length > wireLength(spec)) return { problem: `length ${length} is over the maximum ${wireLength(spec)}` };
    pos += digits;
  }
  const value = text.slice(pos, pos + length);
  if (value.length < length) return { problem: `the message ends inside the field (${value.length} of ${length} characters)` };
  const charset = charsetProblem(spec, value);
  if (charset !== null) return { problem: charset };
  return { value, next: pos + length };
}

/** Decode one frame's content (without its 2-byte length). Never throws: a malformed message is a reason. */
export function decode(frame: Buffer): DecodeResult {
  // latin1 maps each byte to one character, so a byte outside ASCII fails the field's charset check.
  const text = frame.toString('latin1');
  const head = text.slice(0, 4);
  const mti = MTI_PATTERN.test(head) ? head : null;
  const fields = new Map<number, string>();
  const fail = (reason: string, field: number | null): DecodeResult => ({ ok: false, reason, field, mti, stan: fields.get(11) ?? null, fields });
  if (text.length < 4) return fail(`short frame: ${text.length} bytes, not even an MTI`, null);
  if (mti === null) return fail('the MTI is not 4 digits', null);
  const primary = text.slice(4, 4 + BITMAP_CHARS);
  if (!BITMAP_PATTERN.test(primary)) return fail(primary.length < BITMAP_CHARS ? 'short frame: the primary bitmap is incomplete' : 'the primary bitmap is not 16 hexadecimal characters', null);
  let pos = 4 + BITMAP_CHARS;
  const bits = bitsOf(primary, 0);
  if (bits[0] === 1) {
    const secondary = text.slice(pos, pos + BITMAP_CHARS);
    if (!BITMAP_PATTERN.test(secondary)) return fail(secondary.length < BITMAP_CHARS ? 'short frame: the secondary bitmap is incomplete' : 'the secondary bitmap is not 16 hexadecimal characters', 1);
    pos += BITMAP_CHARS;
    bits.shift();
    bits.push(...bitsOf(secondary, 64));
  }
  if (bits.length === 0) return fail('the bitmap sets no field', null);
  for (const bit of bits) {
    const spec = FIELDS.get(bit);
    if (!spec) return fail(`field ${bit} is not in this profile`, bit);
    const read = readField(text, pos, spec);
    if ('problem' in read) return fail(`field ${bit} (${spec.name}): ${read.problem}`, bit);
    fields.set(bit, read.value);
    pos = read.next;
  }
  if (pos !== text.length) return fail(`${text.length - pos} characters after the last field`, null);
  return { ok: true, message: { mti, fields } };
}

/** Encode a message; every value must fit its field (a value that does not is a bug, and asserts). */
export function encode(message: Message): Buffer {
  assert(MTI_PATTERN.test(message.mti), 'an MTI is 4 digits');
  const bits = [...message.fields.keys()].sort((a, b) => a - b);
  const secondary = bits.some((b) => b > 64);
  const map = Buffer.alloc(secondary ? 16 : 8);
  for (const bit of bits) assert(Number.isInteger(bit) && bit >= 2 && bit <= 128 && bit !== 65, `field ${bit} cannot be sent`);
  for (const bit of secondary ? [1, ...bits] : bits) map[(bit - 1) >> 3]! |= 0x80 >> ((bit - 1) & 7);
  let out = message.mti + map.toString('hex').toUpperCase();
  for (const bit of bits) {
    const spec = FIELDS.get(bit);
    assert(spec, `field ${bit} is not in this profile`);
    const value = message.fields.get(bit)!;
    const max = wireLength(spec);
    assert(charsetProblem(spec, value) === null, `field ${bit}: ${charsetProblem(spec, value)}`);
    if (spec.length === 'fixed') {
      assert(value.length === max, `field ${bit} is ${max} characters, got ${value.length}`);
      out += value;
    } else {
      assert(value.length <= max, `field ${bit} is at most ${max} characters, got ${value.length}`);
      out += String(value.length).padStart(spec.length === 'llvar' ? 2 : 3, '0') + value;
    }
  }
  return Buffer.from(out, 'latin1');
}

/** A frame: the 2-byte big-endian length, then the message. */
export function frame(message: Buffer): Buffer {
  assert(message.length <= FRAME_MAX_BYTES, `a message is at most ${FRAME_MAX_BYTES} bytes`);
  const head = Buffer.alloc(2);
  head.writeUInt16BE(message.length);
  return Buffer.concat([head, message]);
}

export type FrameEvent = { kind: 'frame'; message: Buffer } | { kind: 'too_large'; length: number };

/**
 * Cuts a byte stream into frames, however TCP splits or joins them. A frame
 * announced over `max` bytes is reported once and nothing more is read: the
 * stream can no longer be trusted to be in step. A zero-length frame is a
 * keep-alive some networks send, and is skipped.
 */
export class FrameReader {
  #buffer: Buffer = Buffer.alloc(0);
  #broken = false;

  constructor(private readonly max = FRAME_MAX_BYTES) {}

  push(chunk: Buffer): FrameEvent[] {
    if (this.#broken) return [];
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    const out: FrameEvent[] = [];
    for (;;) {
      if (this.#buffer.length < 2) break;
      const length = this.#buffer.readUInt16BE(0);
      if (length > this.max) {
        this.#broken = true;
        this.#buffer = Buffer.alloc(0);
        out.push({ kind: 'too_large', length });
        break;
      }
      if (this.#buffer.length < 2 + length) break;
      const message = Buffer.from(this.#buffer.subarray(2, 2 + length));
      this.#buffer = this.#buffer.subarray(2 + length);
      if (length > 0) out.push({ kind: 'frame', message });
    }
    return out;
  }

  /** Bytes of an incomplete frame waiting for the rest. */
  get buffered(): number {
    return this.#buffer.length;
  }
}
