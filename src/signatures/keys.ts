import crypto from 'node:crypto';
import type { KeyProvider } from '../crypto/keys.ts';
import { DomainError } from '../lib/errors.ts';

/** The DER header of a PKCS#8 Ed25519 private key (RFC 8410); the 32-byte seed follows it. */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
/** Why 8 KiB: a PEM Ed25519 key is ~113 bytes; anything far larger is not one. */
export const PUBLIC_KEY_INPUT_MAX = 8192;

export interface PublicJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
}

export function publicKeyObject(raw: Buffer): crypto.KeyObject {
  return crypto.createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
}

function rawOf(key: crypto.KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' });
  return Buffer.from(jwk.x ?? '', 'base64url');
}

/** A merchant's public key, as PEM (SPKI) or as a JWK, reduced to its 32 raw bytes. Refuses private keys. */
export function parsePublicKey(input: { pem?: string; jwk?: Record<string, unknown> }): Buffer {
  const param = input.pem !== undefined ? 'public_key_pem' : 'jwk';
  const invalid = (why: string) => new DomainError('parameter_invalid', `\`${param}\` ${why}`, param);
  if ((input.pem === undefined) === (input.jwk === undefined)) {
    throw new DomainError('parameter_invalid', 'Send exactly one of `public_key_pem` and `jwk`.', 'public_key_pem');
  }
  let key: crypto.KeyObject;
  try {
    if (input.pem !== undefined) {
      if (/PRIVATE KEY/.test(input.pem)) throw invalid('is a private key: send only the public key, and keep the private key secret.');
      key = crypto.createPublicKey({ key: input.pem, format: 'pem' });
    } else {
      const jwk = input.jwk!;
      if ('d' in jwk) throw invalid('holds a private key (`d`): send only the public key, and keep the private key secret.');
      if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') throw invalid('must be an Ed25519 key: {"kty": "OKP", "crv": "Ed25519", "x": "…"}.');
      key = crypto.createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, format: 'jwk' });
    }
  } catch (err) {
    if (err instanceof DomainError) throw err;
    throw invalid('is not a valid public key.');
  }
  if (key.asymmetricKeyType !== 'ed25519') throw invalid(`is a ${key.asymmetricKeyType ?? 'non-Ed25519'} key; only ed25519 is supported.`);
  const raw = rawOf(key);
  if (raw.length !== 32) throw invalid('is not a valid Ed25519 public key.');
  return raw;
}

export interface TesseraSigningKey {
  /** The RFC 7638 thumbprint of the public key: the `keyid` in Tessera's signatures. */
  id: string;
  privateKey: crypto.KeyObject;
  jwk: PublicJwk & { kid: string; alg: 'EdDSA'; use: 'sig' };
}

/** RFC 7638: SHA-256 over the required members in lexicographic order, base64url. */
export function jwkThumbprint(jwk: PublicJwk): string {
  return crypto.createHash('sha256').update(JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x })).digest('base64url');
}

const cache = new WeakMap<KeyProvider, TesseraSigningKey>();

/**
 * Tessera's own Ed25519 key, derived from the master key so every instance
 * of a deployment signs with the same key and nothing extra must be stored.
 */
export function tesseraSigningKey(keys: KeyProvider): TesseraSigningKey {
  let key = cache.get(keys);
  if (!key) {
    const seed = keys.derive('tessera-signing-ed25519-v1');
    const privateKey = crypto.createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
    const x = rawOf(crypto.createPublicKey(privateKey)).toString('base64url');
    const id = jwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x });
    key = { id, privateKey, jwk: { kty: 'OKP', crv: 'Ed25519', x, kid: id, alg: 'EdDSA', use: 'sig' } };
    cache.set(keys, key);
  }
  return key;
}
