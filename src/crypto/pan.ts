import crypto from 'node:crypto';
import { assert } from '../lib/assert.ts';
import { luhnCheckDigit, luhnValid } from '../lib/luhn.ts';

export type CardBrand = 'VISA' | 'MASTERCARD';

/** Tessera issues 16-digit PANs, the length both brands use for consumer cards. */
export const PAN_LENGTH = 16;

/**
 * Sandbox defaults: the well-known test ranges, never a live issuer's BIN.
 * A live programme configures the BINs its sponsor bank was assigned.
 */
export const DEFAULT_BINS: Readonly<Record<CardBrand, string>> = Object.freeze({ VISA: '424242', MASTERCARD: '555555' });

/** Visa numbers start with 4; Mastercard with 51–55 or 2221–2720. */
export function binMatchesBrand(brand: CardBrand, bin: string): boolean {
  if (!/^\d{6,8}$/.test(bin)) return false;
  if (brand === 'VISA') return bin.startsWith('4');
  const two = Number(bin.slice(0, 2));
  const four = Number(bin.slice(0, 4));
  return (two >= 51 && two <= 55) || (four >= 2221 && four <= 2720);
}

/** 12–19 digits with a valid Luhn check digit (ISO/IEC 7812). */
export function isValidPan(pan: string): boolean {
  return /^\d{12,19}$/.test(pan) && luhnValid(pan);
}

/**
 * A Luhn-valid PAN: the BIN, random account digits from the CSPRNG, a check
 * digit. Not unique by itself: the caller retries while panFingerprint()
 * collides with a stored card.
 */
export function generatePan(bin: string, length = PAN_LENGTH): string {
  assert(/^\d{6,8}$/.test(bin), 'a BIN is 6 to 8 digits');
  assert(length >= bin.length + 7 && length <= 19, 'a PAN leaves at least 6 account digits after the BIN');
  let pan = bin;
  while (pan.length < length - 1) pan += String(crypto.randomInt(10));
  return pan + luhnCheckDigit(pan);
}

/** "5323 **** **** 9217": first 4 and last 4 shown, the rest masked, in groups of 4. */
export function maskPan(pan: string): string {
  assert(/^\d{12,19}$/.test(pan), 'pan must be 12 to 19 digits');
  const masked = pan.slice(0, 4) + '*'.repeat(pan.length - 8) + pan.slice(-4);
  return masked.replace(/(.{4})(?=.)/g, '$1 ');
}

export function last4(pan: string): string {
  assert(/^\d{12,19}$/.test(pan), 'pan must be 12 to 19 digits');
  return pan.slice(-4);
}

/** The issuer identification number kept in clear; 6 digits unless the programme uses 8-digit BINs. */
export function bin(pan: string, digits: 6 | 8 = 6): string {
  assert(/^\d{12,19}$/.test(pan), 'pan must be 12 to 19 digits');
  return pan.slice(0, digits);
}

/**
 * Keyed fingerprint for uniqueness and lookup. HMAC rather than a plain hash:
 * with only ~10^9 PANs per BIN, an unkeyed hash is reversed by enumeration.
 */
export function panFingerprint(key: Buffer, pan: string): string {
  assert(key.length >= 32, 'the fingerprint key is at least 32 bytes');
  assert(/^\d{12,19}$/.test(pan), 'pan must be 12 to 19 digits');
  return crypto.createHmac('sha256', key).update(pan, 'ascii').digest('hex');
}
