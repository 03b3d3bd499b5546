import { assert } from '../lib/assert.ts';
import { desEncryptBlock } from './des.ts';

/**
 * Service codes that select the CVV variant. The same algorithm yields all of
 * them; only the service code (and where the value is printed) differs.
 */
export const SERVICE_CODE = Object.freeze({
  /** CVV1/CVC1 on the magnetic stripe carries the card's real service code; 101 = international, normal auth. */
  MAGSTRIPE: '101',
  /** CVV2/CVC2, printed on the card, is computed with service code 000. */
  CVV2: '000',
  /** iCVV, in the chip's track 2 equivalent data, is computed with service code 999. */
  ICVV: '999',
});

/**
 * The Visa CVV method (also Mastercard CVC), as in Visa's published
 * description and every HSM's "generate CVV" command:
 * 1. PAN ‖ expiry (YYMM) ‖ service code, right-padded with zeros to 32 digits;
 * 2. block1 = first 16 digits, block2 = last 16 digits (read as hex);
 * 3. DES-encrypt block1 under CVK A, XOR with block2;
 * 4. 3DES (encrypt A, decrypt B, encrypt A) that result;
 * 5. decimalize: all decimal digits left to right, then every A–F digit
 *    minus 10, left to right; the first three digits are the CVV.
 */
export function visaCvv(cvkA: Buffer, cvkB: Buffer, pan: string, expiryYYMM: string, serviceCode: string): string {
  assert(cvkA.length === 8 && cvkB.length === 8, 'CVK A and CVK B are 8 bytes each');
  // No values in these messages: a PAN must never reach an error or a log.
  assert(/^\d{12,19}$/.test(pan), 'pan must be 12 to 19 digits');
  // Any 4 digits, as HSMs take them; the provider checks the month (see software.ts).
  assert(/^\d{4}$/.test(expiryYYMM), 'expiry must be 4 digits (YYMM)');
  assert(/^\d{3}$/.test(serviceCode), 'service code must be 3 digits');
  // 19 + 4 + 3 = 26 digits at most, so the data always fits in 32.
  const data = (pan + expiryYYMM + serviceCode).padEnd(32, '0');
  const block1 = Buffer.from(data.slice(0, 16), 'hex');
  const block2 = Buffer.from(data.slice(16), 'hex');
  const r = desEncryptBlock(cvkA, block1);
  for (let i = 0; i < 8; i++) r[i]! ^= block2[i]!;
  const hex = desEncryptBlock(Buffer.concat([cvkA, cvkB]), r).toString('hex');
  let digits = '';
  for (const h of hex) if (h <= '9') digits += h;
  for (const h of hex) if (h > '9') digits += String(parseInt(h, 16) - 10);
  return digits.slice(0, 3);
}

/** The YYMM form the CVV method takes, from a card's expiry year (4 digits) and month. */
export function expiryYYMM(year: number, month: number): string {
  assert(Number.isInteger(year) && year >= 2000 && year <= 2099, 'expiry year is 2000–2099');
  assert(Number.isInteger(month) && month >= 1 && month <= 12, 'expiry month is 1–12');
  return String(year % 100).padStart(2, '0') + String(month).padStart(2, '0');
}
