import crypto from 'node:crypto';
import { httpbis, createSigner } from 'http-message-signatures';
import type { KeyProvider } from '../crypto/keys.ts';
import { contentDigest } from './digest.ts';
import { tesseraSigningKey } from './keys.ts';

export interface OutgoingRequest {
  method: string;
  url: string;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: Buffer | string | null;
}

/** Headers Tessera signs when a request carries them, beyond method, target and digest. */
const OPTIONAL_COMPONENTS = ['content-type', 'webhook-id', 'webhook-timestamp', 'idempotency-key'];

/**
 * Sign a request that Tessera sends (webhooks, real-time decision calls) with
 * its own Ed25519 key (RFC 9421), adding Content-Digest (RFC 9530). Returns
 * the headers to send: the given ones plus content-digest, signature-input
 * and signature. Receivers fetch the key from GET /v1/.well-known/signing-keys.
 */
export async function signOutgoing(keys: KeyProvider, req: OutgoingRequest, at: Date): Promise<Record<string, string>> {
  const key = tesseraSigningKey(keys);
  const headers: Record<string, string> = { ...req.headers, 'content-digest': contentDigest(req.body ?? '') };
  const fields = ['@method', '@target-uri', 'content-digest', ...OPTIONAL_COMPONENTS.filter((c) => c in headers)];
  const signed = await httpbis.signMessage({
    key: createSigner(key.privateKey, 'ed25519', key.id),
    fields,
    params: ['created', 'keyid', 'alg', 'nonce'],
    paramValues: { created: at, nonce: crypto.randomBytes(16).toString('base64url') },
  }, { method: req.method, url: req.url, headers });
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(signed.headers)) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}
