import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import type { Mode, Principal } from './types.ts';

/** Why 15 minutes: long enough for a client session, short enough that a leaked token soon dies. */
export const TOKEN_TTL_SECONDS = 15 * 60;
const ISSUER = 'tessera';
const AUDIENCE = 'tessera-api';
const ALG = 'HS256';

export interface TokenClaims {
  keyId: string;
  merchantId: string;
  mode: Mode;
  /** When the token stops working (its `exp`). */
  expiresAt: Date;
}

export async function issueToken(p: Principal, secret: Uint8Array, now: Date): Promise<{ token: string; expiresAt: Date }> {
  const iat = Math.floor(now.getTime() / 1000);
  const exp = iat + TOKEN_TTL_SECONDS;
  const token = await new SignJWT({ mid: p.merchantId, mode: p.mode })
    .setProtectedHeader({ alg: ALG, typ: 'JWT' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject(p.keyId)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .setJti(crypto.randomUUID())
    .sign(secret);
  return { token, expiresAt: new Date(exp * 1000) };
}

export type TokenFailure = 'expired' | 'invalid';

/** Verifies signature, algorithm (only HS256: `none` and asymmetric tricks fail), issuer, audience and expiry. */
export async function verifyToken(token: string, secret: Uint8Array, now: Date): Promise<TokenClaims | TokenFailure> {
  try {
    const { payload } = await jwtVerify(token, secret, {
      algorithms: [ALG], issuer: ISSUER, audience: AUDIENCE, currentDate: now, requiredClaims: ['exp', 'sub'],
    });
    const { sub, mid, exp, mode } = payload;
    if (typeof sub !== 'string' || typeof mid !== 'string' || typeof exp !== 'number' || (mode !== 'sandbox' && mode !== 'live')) {
      return 'invalid';
    }
    return { keyId: sub, merchantId: mid, mode, expiresAt: new Date(exp * 1000) };
  } catch (err) {
    return err instanceof joseErrors.JWTExpired ? 'expired' : 'invalid';
  }
}
