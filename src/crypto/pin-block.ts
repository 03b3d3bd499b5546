import { assert } from '../lib/assert.ts';

/**
 * ISO 9564-1 format 0 PIN blocks (ANSI X9.8, Visa format 1), the form a PIN
 * travels in over ISO 8583 (DE 52), encrypted under a zone PIN key. The clear
 * block is the PIN field XOR the account number field:
 *   PIN field      0 L P P P P P/F … F   (L = PIN length 4–12, F-filled)
 *   account field  0 0 0 0 A1 … A12      (the 12 rightmost PAN digits before the check digit)
 * Only the key provider calls pinFromFormat0 (the PIN never leaves it);
 * pinBlockFormat0 is for acquirer-side tools and tests.
 */

/** The account number field: four zeros and the 12 rightmost digits of the PAN before its check digit, zero-filled on the left. */
function accountField(pan: string): Buffer {
  assert(/^\d{12,19}$/.test(pan), 'pan must be 12 to 19 digits');
  return Buffer.from(`0000${pan.slice(0, -1).slice(-12).padStart(12, '0')}`, 'hex');
}

/** The clear format 0 block of a 4–12 digit PIN for this PAN. */
export function pinBlockFormat0(pin: string, pan: string): Buffer {
  assert(/^\d{4,12}$/.test(pin), 'a PIN is 4 to 12 digits');
  const field = Buffer.from(`0${pin.length.toString(16)}${pin}`.padEnd(16, 'F'), 'hex');
  const account = accountField(pan);
  return Buffer.from(field.map((b, i) => b ^ account[i]!));
}

/**
 * The PIN in a clear format 0 block, or null when the block is not one: a
 * control nibble other than 0, a length outside 4–12, a PIN digit above 9 or
 * a fill nibble other than F. Null usually means the block was encrypted
 * under another key or with another PAN, not that the cardholder mistyped.
 */
export function pinFromFormat0(block: Buffer, pan: string): string | null {
  if (block.length !== 8) return null;
  const account = accountField(pan);
  const field = Buffer.from(block.map((b, i) => b ^ account[i]!)).toString('hex').toUpperCase();
  if (field[0] !== '0') return null;
  const length = parseInt(field[1]!, 16);
  if (length < 4 || length > 12) return null;
  const pin = field.slice(2, 2 + length);
  if (!/^\d+$/.test(pin) || !/^F*$/.test(field.slice(2 + length))) return null;
  return pin;
}
