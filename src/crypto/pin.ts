import crypto from 'node:crypto';
import { assert } from '../lib/assert.ts';
import { decimalize, desEncryptBlock } from './des.ts';

/** KazePay cardSetPin takes 6-digit PINs, so Tessera stores only 6-digit offsets. */
export const PIN_LENGTH = 6;
/** The usual table: hex 0–9 → 0–9, A–F → 0–5. */
export const DEFAULT_DECIMALIZATION_TABLE = '0123456789012345';
/** The IBM 3624 pad for validation data shorter than 16 nibbles. */
export const PIN_PAD = 'F';

export type PinCheck = 'ok' | 'not_six_digits' | 'trivial';

/** Decide whether a cardholder may choose this PIN. The PIN never appears in the result. */
export function checkPin(pin: string): PinCheck {
  if (!/^\d{6}$/.test(pin)) return 'not_six_digits';
  return isTrivialPin(pin) ? 'trivial' : 'ok';
}

/**
 * One repeated digit (000000) or a straight run up or down (123456, 987654).
 * Nothing more: SPEC §5 names these two, and refusing the PAN's digits, birth
 * dates or patterns like 121212 is left to the issuer's own policy.
 */
export function isTrivialPin(pin: string): boolean {
  const steps = new Set<number>();
  for (let i = 1; i < pin.length; i++) steps.add(pin.charCodeAt(i) - pin.charCodeAt(i - 1));
  return steps.size === 1 && [0, 1, -1].includes([...steps][0]!);
}

/**
 * Validation data for the PAN. Convention used here (as in the IBM 3624 worked
 * examples and most calculators): the PAN's leftmost 16 digits, so all of a
 * 16-digit PAN including its check digit; shorter PANs are padded with F by
 * ibm3624NaturalPin. An HSM adapter must be configured with the same rule.
 */
export function pinValidationData(pan: string): string {
  assert(/^\d{12,19}$/.test(pan), 'pan must be 12 to 19 digits');
  return pan.slice(0, 16);
}

/**
 * IBM 3624 natural (intermediate) PIN: encrypt the validation data, padded to
 * 16 nibbles, under the PVK; decimalize; keep the leftmost `length` digits.
 */
export function ibm3624NaturalPin(pvk: Buffer, table: string, validationData: string, length: number, pad = PIN_PAD): string {
  assert(pvk.length === 8 || pvk.length === 16 || pvk.length === 24, 'a PVK is a DES key');
  assert(/^[0-9A-Fa-f]{4,16}$/.test(validationData), 'validation data is 4 to 16 hex digits');
  assert(/^[0-9A-Fa-f]$/.test(pad), 'the pad is one hex digit');
  assert(Number.isInteger(length) && length >= 4 && length <= 12, 'PIN length is 4 to 12');
  const block = Buffer.from(validationData.padEnd(16, pad), 'hex');
  return decimalize(desEncryptBlock(pvk, block).toString('hex'), table).slice(0, length);
}

/** Offset = customer PIN − natural PIN, digit by digit, modulo 10 (no borrow). */
export function ibm3624Offset(pvk: Buffer, table: string, validationData: string, pin: string, pad = PIN_PAD): string {
  assert(/^\d{4,12}$/.test(pin), 'a PIN is 4 to 12 digits');
  const natural = ibm3624NaturalPin(pvk, table, validationData, pin.length, pad);
  let offset = '';
  for (let i = 0; i < pin.length; i++) offset += String((+pin[i]! - +natural[i]! + 10) % 10);
  return offset;
}

/** True when natural PIN + offset (digit by digit, modulo 10) equals the PIN, compared in constant time. */
export function ibm3624Verify(pvk: Buffer, table: string, validationData: string, pin: string, offset: string, pad = PIN_PAD): boolean {
  if (!/^\d{4,12}$/.test(pin) || !/^\d{4,12}$/.test(offset) || pin.length !== offset.length) return false;
  const natural = ibm3624NaturalPin(pvk, table, validationData, pin.length, pad);
  let expected = '';
  for (let i = 0; i < pin.length; i++) expected += String((+natural[i]! + +offset[i]!) % 10);
  return crypto.timingSafeEqual(Buffer.from(expected), Buffer.from(pin));
}
