import crypto from 'node:crypto';
import type { Queryable } from '../db/index.ts';
import { generatePan, type KeyProvider } from '../crypto/index.ts';
import { DomainError } from '../lib/errors.ts';

/** Why 3 years: the usual validity of a payment card (SPEC §5). */
export const CARD_VALIDITY_MONTHS = 36;
/** Why 10: a fresh random PAN collides with one in use about never; ten misses in a row means the BIN is full. */
const PAN_ATTEMPTS_MAX = 10;
/** Why 8 digits: the KazePay example's length; with 5 tries, a guess succeeds 1 time in 20 million. */
export const ACTIVATION_CODE_DIGITS = 8;

export function expiryFrom(now: Date, months = CARD_VALIDITY_MONTHS): { month: number; year: number } {
  const total = now.getUTCFullYear() * 12 + now.getUTCMonth() + months;
  return { year: Math.floor(total / 12), month: (total % 12) + 1 };
}

/** Whole months from now until the end of the expiry month (0 = expires this month; negative = expired). */
export function monthsUntilExpiry(expYear: number, expMonth: number, now: Date): number {
  return expYear * 12 + (expMonth - 1) - (now.getUTCFullYear() * 12 + now.getUTCMonth());
}

/** A new PAN in the brand's BIN whose fingerprint is not yet used by any card or stock. */
export async function newUniquePan(q: Queryable, keys: KeyProvider, bin: string): Promise<{ pan: string; fingerprint: string }> {
  for (let i = 0; i < PAN_ATTEMPTS_MAX; i++) {
    const pan = generatePan(bin);
    const fingerprint = await keys.fingerprint(pan);
    const { rows } = await q.query(
      'SELECT 1 FROM cards WHERE pan_fingerprint = $1 UNION ALL SELECT 1 FROM card_stock WHERE pan_fingerprint = $1', [fingerprint]);
    if (rows.length === 0) return { pan, fingerprint };
  }
  throw new DomainError('service_unavailable', 'Could not allocate a card number; the operator should check the BIN range.');
}

export function newActivationCode(): string {
  return String(crypto.randomInt(0, 10 ** ACTIVATION_CODE_DIGITS)).padStart(ACTIVATION_CODE_DIGITS, '0');
}

/** Keyed hash of a card's activation code: the code itself is never stored. */
export function activationCodeHash(keys: KeyProvider, cardId: string, code: string): string {
  return crypto.createHmac('sha256', keys.derive('activation-code-v1')).update(`${cardId}:${code}`).digest('hex');
}

export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}
