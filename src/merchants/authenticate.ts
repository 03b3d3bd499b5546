import type { Queryable } from '../db/index.ts';
import { DomainError } from '../lib/errors.ts';
import { isId } from '../lib/ids.ts';
import * as store from './store.ts';
import { hashSecret, modeOfSecret, sameHash } from './keys.ts';
import { verifyToken } from './tokens.ts';
import type { Principal } from './types.ts';

/**
 * Resolve a presented API key (or, with `keyId`, the key named by a verified
 * token) to the principal it stands for. Failures are DomainErrors whose
 * messages never echo the key. Reads the database every time: the HTTP API
 * goes through PrincipalCache instead.
 */
export async function authenticate(q: Queryable, presented: { secret: string } | { keyId: string }): Promise<Principal> {
  let row: store.KeyWithMerchant | null;
  if ('secret' in presented) {
    if (modeOfSecret(presented.secret) === null) throw new DomainError('invalid_api_key', 'The API key is malformed.');
    const hash = hashSecret(presented.secret);
    row = await store.selectKeyBy(q, 'hash', hash);
    if (row && !sameHash(row.keyHash, hash)) row = null;
    if (!row) throw new DomainError('invalid_api_key', 'The API key is not valid.');
  } else {
    row = isId('apiKey', presented.keyId) ? await store.selectKeyBy(q, 'id', presented.keyId) : null;
    if (!row) throw new DomainError('invalid_token', 'The token is not valid.');
  }
  if (row.revokedAt !== null) throw new DomainError('api_key_revoked', 'The API key has been revoked.');
  // Before live access: a suspended merchant learns why nothing works, whichever mode it tries.
  if (row.suspended) throw new DomainError('merchant_suspended', 'This merchant is suspended by the operator; contact the operator.');
  if (row.mode === 'live' && !row.liveAccess) {
    throw new DomainError('live_access_required', 'This merchant does not have live access yet; use a sandbox key or ask the operator for production access.');
  }
  return {
    merchantId: row.merchantId, keyId: row.id, mode: row.mode, scopes: row.scopes, liveAccess: row.liveAccess,
    clockOffsetMs: row.mode === 'sandbox' ? row.clockOffsetMs : 0,
  };
}

/** A token (POST /v1/auth/token) to the principal of the key that minted it, and when the token expires. */
export async function authenticateToken(
  q: Queryable, token: string, secret: Uint8Array, now: Date,
): Promise<{ principal: Principal; expiresAt: Date }> {
  const claims = await verifyToken(token, secret, now);
  if (claims === 'expired') throw new DomainError('invalid_token', 'The token has expired; exchange your API key for a new one.');
  if (claims === 'invalid') throw new DomainError('invalid_token', 'The token is not valid.');
  const principal = await authenticate(q, { keyId: claims.keyId });
  if (principal.merchantId !== claims.merchantId || principal.mode !== claims.mode) {
    throw new DomainError('invalid_token', 'The token is not valid.');
  }
  return { principal, expiresAt: claims.expiresAt };
}
