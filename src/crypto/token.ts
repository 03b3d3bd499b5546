import crypto from 'node:crypto';

/** Seed 001's form: 64 lower-case hexadecimal characters. */
const CARD_TOKEN = /^[0-9a-f]{64}$/;
/** The form issued before: still names its card, and is never reissued. */
const LEGACY_CARD_TOKEN = /^tok_[A-Za-z0-9_-]{32}$/;

/**
 * An opaque card token (Kwik `card_token`) in seed 001's form: 256 random
 * bits as 64 hex characters, so it is unique without a lookup and reveals
 * nothing about the PAN. The caller still stores it under a unique index.
 * Cards issued before keep their `tok_…` token: both forms stay valid.
 */
export function newCardToken(): string {
  return crypto.randomBytes(32).toString('hex');
}

export function isCardToken(value: string): boolean {
  return CARD_TOKEN.test(value) || LEGACY_CARD_TOKEN.test(value);
}
