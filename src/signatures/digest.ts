import crypto from 'node:crypto';
import { parseDictionary, serializeDictionary } from 'structured-headers';

/**
 * Content-Digest (RFC 9530). Only sha-256 and sha-512: the RFC marks md5,
 * sha, unixsum and unixcksum insecure, and accepting them would let a
 * digest be forged for a tampered body.
 */
export const DIGEST_ALGORITHMS = { 'sha-256': 'sha256', 'sha-512': 'sha512' } as const;
export type DigestAlgorithm = keyof typeof DIGEST_ALGORITHMS;

export function contentDigest(body: Buffer | string, algorithm: DigestAlgorithm = 'sha-256'): string {
  const hash = crypto.createHash(DIGEST_ALGORITHMS[algorithm]).update(body).digest();
  return serializeDictionary(new Map([[algorithm, [hash, new Map()]]]));
}

export type DigestCheck = 'ok' | 'malformed' | 'unsupported' | 'mismatch';

/**
 * Check a Content-Digest header against the exact body bytes. Every supported
 * entry must match; entries of other algorithms are ignored, but at least one
 * supported entry must be present.
 */
export function checkContentDigest(header: string, body: Buffer): DigestCheck {
  let dict;
  try {
    dict = parseDictionary(header);
  } catch {
    return 'malformed';
  }
  let checked = 0;
  for (const [name, member] of dict) {
    if (!(name in DIGEST_ALGORITHMS)) continue;
    const value = member[0];
    if (!(value instanceof ArrayBuffer)) return 'malformed';
    const expected = crypto.createHash(DIGEST_ALGORITHMS[name as DigestAlgorithm]).update(body).digest();
    const given = Buffer.from(value);
    if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return 'mismatch';
    checked++;
  }
  return checked > 0 ? 'ok' : 'unsupported';
}
