import nodeCrypto from 'node:crypto';
import { createSigner, httpbis } from 'http-message-signatures';

export interface SigningKey {
  /** The `id` that `POST /v1/signing_keys` answered for the public half. */
  keyId: string;
  /** The Ed25519 private key: PKCS#8 PEM or a KeyObject. */
  privateKey: string | nodeCrypto.KeyObject;
}

export interface RequestToSign {
  method: string;
  /** The absolute URL the request is sent to (what `@target-uri` covers). */
  url: string;
  headers: Record<string, string> | Headers;
  body?: string | Uint8Array | null;
}

/** The components Tessera requires on a signed mutation (SPEC §7), plus `content-type` when there is a body. */
const REQUIRED = ['@method', '@target-uri', 'content-digest', 'idempotency-key'];

/** Content-Digest (RFC 9530) of the exact body bytes, with sha-256. */
export function contentDigest(body: string | Uint8Array): string {
  return `sha-256=:${nodeCrypto.createHash('sha256').update(body).digest('base64')}:`;
}

/**
 * Sign a request to Tessera (RFC 9421, Ed25519) and add its Content-Digest (RFC 9530). Covers `@method`,
 * `@target-uri`, `content-digest`, `idempotency-key` and, with a body, `content-type`, with `created`,
 * `keyid`, `alg` and a fresh `nonce`. Returns every header to send (lower-case names): the given ones plus
 * `content-digest`, `signature-input` and `signature`. Send the body bytes exactly as signed.
 */
export async function signRequest(request: RequestToSign, key: SigningKey, options: { created?: Date } = {}): Promise<Record<string, string>> {
  const body = request.body ?? '';
  const headers: Record<string, string> = {};
  const given = request.headers instanceof Headers ? request.headers.entries() : Object.entries(request.headers);
  for (const [name, value] of given) headers[name.toLowerCase()] = value;
  headers['content-digest'] = contentDigest(body);
  const fields = [...REQUIRED, ...(body.length > 0 ? ['content-type'] : [])];
  const missing = fields.filter((f) => !f.startsWith('@') && headers[f] === undefined);
  if (missing.length > 0) throw new TypeError(`signRequest: the request has no ${missing.join(', ')} header, which Tessera requires a signature to cover.`);
  const privateKey = typeof key.privateKey === 'string' ? nodeCrypto.createPrivateKey(key.privateKey) : key.privateKey;
  const signed = await httpbis.signMessage({
    key: createSigner(privateKey, 'ed25519', key.keyId),
    fields,
    params: ['created', 'keyid', 'alg', 'nonce'],
    paramValues: { created: options.created ?? new Date(), nonce: nodeCrypto.randomBytes(16).toString('base64url') },
  }, { method: request.method.toUpperCase(), url: new URL(request.url).href, headers });
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(signed.headers)) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  return out;
}

/** A fresh Ed25519 key pair: register `publicKeyPem` with POST /v1/signing_keys, keep `privateKeyPem`. */
export function generateSigningKeyPair(): { publicKeyPem: string; privateKeyPem: string } {
  const { publicKey, privateKey } = nodeCrypto.generateKeyPairSync('ed25519');
  return {
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}
