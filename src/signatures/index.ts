import type { Queryable, Tx } from '../db/index.ts';
import { appendAudit } from '../audit/index.ts';
import { DomainError, notFound } from '../lib/errors.ts';
import { isId, newId } from '../lib/ids.ts';
import type { ActionContext } from '../lib/context.ts';
import { toPage, type Page, type PageRequest } from '../lib/pagination.ts';
import * as store from './store.ts';
import { parsePublicKey } from './keys.ts';
import { SIGNATURE_MAX_AGE_S, SIGNATURE_MAX_SKEW_S, verifyRequestSignature, type IncomingRequest, type Verification } from './verify.ts';
import type { SignaturePolicyCache } from './policy-cache.ts';

export { contentDigest, checkContentDigest, DIGEST_ALGORITHMS } from './digest.ts';
export {
  parsePublicKey, tesseraSigningKey, jwkThumbprint, publicKeyObject, PUBLIC_KEY_INPUT_MAX, type TesseraSigningKey, type PublicJwk,
} from './keys.ts';
export { signOutgoing, type OutgoingRequest } from './sign.ts';
export {
  verifyRequestSignature, REQUIRED_COMPONENTS, SIGNATURE_FAILURES, SIGNATURE_MAX_AGE_S, SIGNATURE_MAX_SKEW_S,
  type IncomingRequest, type SignatureFailure, type Verification, type VerifyingKey,
} from './verify.ts';
export type { Owner, SigningKey } from './store.ts';

/** Why 10: one key per signing service plus room to rotate; more is a sign of keys never being deleted. */
export const SIGNING_KEYS_MAX = 10;

export async function createSigningKey(
  tx: Tx, owner: store.Owner, input: { pem?: string; jwk?: Record<string, unknown> }, ctx: ActionContext,
): Promise<store.SigningKey> {
  const raw = parsePublicKey(input);
  const existing = await store.selectKeys(tx, owner, SIGNING_KEYS_MAX, null);
  if (existing.length >= SIGNING_KEYS_MAX) {
    throw new DomainError('conflict', `At most ${SIGNING_KEYS_MAX} signing keys per merchant and mode; delete one first.`);
  }
  if (existing.some((k) => k.publicKey.equals(raw))) throw new DomainError('resource_exists', 'This public key is already registered.');
  const key = await store.insertKey(tx, newId('signingKey'), owner, raw, ctx.at);
  await appendAudit(tx, { ...ctx, action: 'signing_key.create', target: key.id, result: 'success', details: { merchant_id: owner.merchantId, mode: owner.mode } });
  return key;
}

export async function getSigningKey(q: Queryable, owner: store.Owner, id: string): Promise<store.SigningKey> {
  const key = isId('signingKey', id) ? await store.selectKey(q, owner, id) : null;
  if (!key) throw notFound('signing key', 'id');
  return key;
}

export async function listSigningKeys(q: Queryable, owner: store.Owner, page: PageRequest): Promise<Page<store.SigningKey>> {
  return toPage(await store.selectKeys(q, owner, page.limit + 1, page.startingAfter), page.limit);
}

/** Deleting the last key while signatures are required would lock the merchant out of every mutation. */
export async function deleteSigningKey(tx: Tx, owner: store.Owner, id: string, ctx: ActionContext): Promise<store.SigningKey> {
  const policy = await store.selectPolicy(tx, owner);
  const key = isId('signingKey', id) ? await store.softDeleteKey(tx, owner, id, ctx.at) : null;
  if (!key) throw notFound('signing key', 'id');
  if (policy.required && policy.keys.length <= 1) {
    throw new DomainError('conflict', 'This is the last signing key and signatures are required; turn off require_signatures first or add another key.');
  }
  await appendAudit(tx, { ...ctx, action: 'signing_key.delete', target: key.id, result: 'success', details: { merchant_id: owner.merchantId, mode: owner.mode } });
  return key;
}

export interface SignatureSettings {
  requireSignatures: boolean;
  activeKeys: number;
  /** Whether mutating requests must be signed now: required, or any key registered. */
  enforced: boolean;
}

export async function getSignatureSettings(q: Queryable, owner: store.Owner): Promise<SignatureSettings> {
  const p = await store.selectPolicy(q, owner);
  return { requireSignatures: p.required, activeKeys: p.keys.length, enforced: p.required || p.keys.length > 0 };
}

export async function updateSignatureSettings(tx: Tx, owner: store.Owner, requireSignatures: boolean, ctx: ActionContext): Promise<SignatureSettings> {
  const p = await store.selectPolicy(tx, owner);
  if (requireSignatures && p.keys.length === 0) {
    throw new DomainError('conflict', 'Register a signing key (POST /v1/signing_keys) before requiring signatures.', 'require_signatures');
  }
  await store.upsertSetting(tx, owner, requireSignatures, ctx.at);
  await appendAudit(tx, { ...ctx, action: 'signature_settings.update', target: owner.merchantId, result: 'success', details: { mode: owner.mode, require_signatures: requireSignatures } });
  return getSignatureSettings(tx, owner);
}

/**
 * The whole check for one incoming mutating request: nothing to do when the
 * merchant neither registered a key nor requires signatures; otherwise a valid
 * signature whose nonce was not seen in the window.
 */
export async function checkRequestSignature(
  q: Queryable, owner: store.Owner, req: IncomingRequest, now: Date, policies?: SignaturePolicyCache,
): Promise<Verification | null> {
  const policy = policies ? await policies.get(owner) : await store.selectPolicy(q, owner);
  if (!policy.required && policy.keys.length === 0) return null;
  const v = await verifyRequestSignature(req, policy.keys, now);
  if (!v.ok) return v;
  // Kept until no signature with this created time can be fresh any more.
  const expiresAt = new Date((Math.max(v.created, Math.floor(now.getTime() / 1000)) + SIGNATURE_MAX_AGE_S + SIGNATURE_MAX_SKEW_S) * 1000);
  if (!(await store.insertNonce(q, owner, v.nonce, expiresAt, now))) {
    return { ok: false, reason: 'replayed', message: 'This nonce was already used within the signature window: the request is a replay.' };
  }
  return v;
}

export const purgeExpiredNonces = store.deleteExpiredNonces;
export { SignaturePolicyCache, SIGNATURE_POLICY_CACHE_MS } from './policy-cache.ts';
