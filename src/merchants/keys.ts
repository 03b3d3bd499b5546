import crypto from 'node:crypto';
import type { Mode } from './types.ts';

// 32 random bytes: guessing is hopeless, so a fast hash (not a password hash) is the right store.
const KEY_BYTES = 32;
const PREFIX_SHOWN = 16;

export function generateSecret(mode: Mode): string {
  return `sk_${mode}_${crypto.randomBytes(KEY_BYTES).toString('base64url')}`;
}

export function hashSecret(secret: string): Buffer {
  return crypto.createHash('sha256').update(secret, 'utf8').digest();
}

export const displayPrefix = (secret: string) => secret.slice(0, PREFIX_SHOWN);

/** Mode announced by the key's own prefix, or null for anything that is not shaped like a key. */
export function modeOfSecret(secret: string): Mode | null {
  const m = /^sk_(sandbox|live)_[A-Za-z0-9_-]{43}$/.exec(secret);
  return m ? (m[1] as Mode) : null;
}

/** Constant-time comparison of two hashes of equal length. */
export function sameHash(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}
