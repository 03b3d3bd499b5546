import { httpbis, createVerifier, ExpiredError, UnsupportedAlgorithmError } from 'http-message-signatures';
import { isInnerList, parseDictionary, serializeDictionary, type Dictionary, type InnerList } from 'structured-headers';
import { checkContentDigest } from './digest.ts';
import { publicKeyObject } from './keys.ts';

/** The components every signed mutation must cover (SPEC §7, seed 004); `content-type` too when there is a body. */
export const REQUIRED_COMPONENTS = ['@method', '@target-uri', 'content-digest', 'idempotency-key'] as const;
/** Why 300 s: the window SPEC §7 names; a signature older than this is stale, and nonces are kept this long. */
export const SIGNATURE_MAX_AGE_S = 300;
/** Why 30 s: client clocks drift; more than this ahead is a clock bug or a pre-made signature. */
export const SIGNATURE_MAX_SKEW_S = 30;
/** Why 128: a UUID or 32 random bytes in base64 fit with room; longer nonces only bloat the store. */
export const NONCE_LENGTH_MAX = 128;

export const SIGNATURE_FAILURES = [
  'missing', 'stale', 'replayed', 'unknown_key', 'digest_mismatch', 'bad_signature', 'algorithm_mismatch',
] as const;
export type SignatureFailure = (typeof SIGNATURE_FAILURES)[number];

export interface IncomingRequest {
  method: string;
  /** The absolute target URI as the client addressed it (what `@target-uri` covers). */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  /** The exact body bytes; null or empty when there is no body. */
  body: Buffer | null;
}

export interface VerifyingKey {
  id: string;
  /** Raw 32-byte Ed25519 public key. */
  publicKey: Buffer;
}

export type Verification =
  | { ok: true; keyId: string; nonce: string; created: number }
  | { ok: false; reason: SignatureFailure; message: string };

const fail = (reason: SignatureFailure, message: string): Verification => ({ ok: false, reason, message });

function header(h: IncomingRequest['headers'], name: string): string | null {
  const v = h[name];
  if (v === undefined) return null;
  return Array.isArray(v) ? v.join(', ') : v;
}

/**
 * Check an RFC 9421 signature against a merchant's keys, without side
 * effects: the caller records the nonce (replay) only after this says ok.
 * The cryptography is http-message-signatures' verifyMessage, whose result
 * must be exactly `true` (it answers null for an unsigned message).
 */
export async function verifyRequestSignature(req: IncomingRequest, keys: readonly VerifyingKey[], now: Date): Promise<Verification> {
  const inputHeader = header(req.headers, 'signature-input');
  const sigHeader = header(req.headers, 'signature');
  if (inputHeader === null || sigHeader === null) return fail('missing', 'The request must carry Signature-Input and Signature headers (RFC 9421).');
  let inputs: Dictionary;
  let signatures: Dictionary;
  try {
    inputs = parseDictionary(inputHeader);
    signatures = parseDictionary(sigHeader);
  } catch {
    return fail('bad_signature', 'Signature-Input or Signature is not a valid structured-field dictionary.');
  }

  // Use the first signature made with one of this merchant's keys; others (e.g. a proxy's) are ignored.
  const entries = [...inputs].filter((e): e is [string, InnerList] => isInnerList(e[1]));
  const keyIds = entries.map(([, input]) => input[1].get('keyid')).filter((k): k is string => typeof k === 'string');
  if (keyIds.length === 0) return fail('missing', 'The signature has no `keyid` parameter.');
  const match = entries.find(([, input]) => keys.some((k) => k.id === input[1].get('keyid')));
  if (!match) return fail('unknown_key', 'The `keyid` of the signature is not a signing key registered for this merchant and mode.');
  const [label, input] = match;
  const key = keys.find((k) => k.id === input[1].get('keyid'))!;
  const params = input[1];

  const alg = params.get('alg');
  if (alg !== undefined && alg !== 'ed25519') return fail('algorithm_mismatch', `The signature's \`alg\` is ${JSON.stringify(String(alg))}; the key is ed25519.`);

  const covered = input[0].map(([name]) => (typeof name === 'string' ? name : ''));
  const body = req.body ?? Buffer.alloc(0);
  const required: string[] = [...REQUIRED_COMPONENTS, ...(body.length > 0 ? ['content-type'] : [])];
  const uncovered = required.filter((c) => !covered.includes(c));
  if (uncovered.length > 0) return fail('missing', `The signature must cover ${uncovered.map((c) => `"${c}"`).join(' ')}.`);
  const absent = required.filter((c) => !c.startsWith('@') && header(req.headers, c) === null);
  if (absent.length > 0) return fail('missing', `Signed requests must send the ${absent.join(', ')} header${absent.length > 1 ? 's' : ''}.`);

  const created = params.get('created');
  if (typeof created !== 'number' || !Number.isInteger(created)) return fail('missing', 'The signature has no integer `created` parameter.');
  const nowS = Math.floor(now.getTime() / 1000);
  if (nowS - created > SIGNATURE_MAX_AGE_S) return fail('stale', `The signature was created more than ${SIGNATURE_MAX_AGE_S} seconds ago.`);
  if (created - nowS > SIGNATURE_MAX_SKEW_S) return fail('stale', `The signature's \`created\` is more than ${SIGNATURE_MAX_SKEW_S} seconds in the future; check the client's clock.`);
  const expires = params.get('expires');
  if (expires !== undefined && (typeof expires !== 'number' || expires < nowS)) return fail('stale', 'The signature has expired.');
  const nonce = params.get('nonce');
  if (typeof nonce !== 'string' || nonce.length === 0 || nonce.length > NONCE_LENGTH_MAX) {
    return fail('missing', `The signature needs a \`nonce\` parameter of 1 to ${NONCE_LENGTH_MAX} characters.`);
  }

  const digest = checkContentDigest(header(req.headers, 'content-digest')!, body);
  if (digest !== 'ok') {
    return fail('digest_mismatch', digest === 'mismatch'
      ? 'Content-Digest does not match the request body.'
      : digest === 'unsupported' ? 'Content-Digest must use sha-256 or sha-512.' : 'Content-Digest is malformed.');
  }

  const signature = signatures.get(label);
  if (!signature) return fail('missing', `The Signature header has no entry labelled "${label}".`);
  // Verify only the chosen signature: give the library a message with just that label.
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers[name] = value;
  headers['signature-input'] = serializeDictionary(new Map([[label, input]]));
  headers.signature = serializeDictionary(new Map([[label, signature]]));
  try {
    const verifier = createVerifier(publicKeyObject(key.publicKey), 'ed25519');
    const result = await httpbis.verifyMessage({
      keyLookup: async () => ({ id: key.id, algs: ['ed25519'], verify: verifier }),
      // Freshness was checked above against the injected clock; the library would use the wall clock.
      notAfter: Number.MAX_SAFE_INTEGER,
    }, { method: req.method, url: req.url, headers });
    if (result === true) return { ok: true, keyId: key.id, nonce, created };
    return fail('bad_signature', 'The signature does not verify against the request and the key.');
  } catch (err) {
    if (err instanceof UnsupportedAlgorithmError) return fail('algorithm_mismatch', 'The signature algorithm does not match the key.');
    if (err instanceof ExpiredError) return fail('stale', 'The signature has expired.');
    return fail('bad_signature', 'The signature cannot be verified: a covered component is missing or malformed.');
  }
}
