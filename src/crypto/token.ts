import crypto from 'node:crypto';

const CARD_TOKEN = /^tok_[A-Za-z0-9_-]{32}$/;

/**
 * An opaque card token (Kwik `card_token`): 192 random bits, so it is unique
 * without a lookup and reveals nothing about the PAN. The caller still stores
 * it under a unique index.
 */
export function newCardToken(): string {
  return 'tok_' + crypto.randomBytes(24).toString('base64url');
}

export function isCardToken(value: string): boolean {
  return CARD_TOKEN.test(value);
}
