import crypto from 'node:crypto';
import type { Queryable, Tx } from '../../db/index.ts';
import type { KeyProvider } from '../../crypto/index.ts';
import type { ActionContext } from '../../lib/context.ts';
import { DomainError, notFound } from '../../lib/errors.ts';
import { appendAudit } from '../../audit/index.ts';
import type { Owner } from '../../customers/index.ts';
import { RSA_BITS_MAX, RSA_BITS_MIN, generateRsaKeyPair } from './envelope.ts';
import * as store from './store.ts';
import type { Gateway } from './store.ts';

export type { Gateway } from './store.ts';

/** Why 16 KiB: an 8192-bit RSA public key in PEM is under 1.5 KiB; more is not a public key. */
export const PUBLIC_KEY_PEM_MAX = 16 * 1024;

const aad = (sysId: string) => `kazepay:gateway-key:v1:${sysId}`;

/** A merchant RSA public key, normalised to SPKI PEM; anything else is a 400 that says what is wrong. */
export function checkMerchantPublicKey(pem: string): string {
  const invalid = (message: string) => new DomainError('parameter_invalid', message, 'public_key_pem');
  if (/PRIVATE KEY/.test(pem)) throw invalid('This is a private key. Send only the public key, and treat this private key as exposed: make a new pair.');
  let key: crypto.KeyObject;
  try {
    key = crypto.createPublicKey(pem);
  } catch {
    throw invalid('`public_key_pem` is not a PEM public key (-----BEGIN PUBLIC KEY----- or -----BEGIN RSA PUBLIC KEY-----).');
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (key.asymmetricKeyType !== 'rsa') throw invalid('`public_key_pem` must be an RSA key (rsaEncryption): it verifies RSA-PSS signatures and receives RSA-OAEP keys.');
  if (bits < RSA_BITS_MIN || bits > RSA_BITS_MAX) throw invalid(`The RSA key has ${bits} bits; it must have ${RSA_BITS_MIN} to ${RSA_BITS_MAX}.`);
  return key.export({ type: 'spki', format: 'pem' }).toString();
}

/** yyyyMMddHHmmss (UTC) and 10 random digits: the shape of the document's sysIds. */
function newSysId(at: Date): string {
  const stamp = at.toISOString().replace(/\D/g, '').slice(0, 14);
  return stamp + String(crypto.randomInt(0, 100_000)).padStart(5, '0') + String(crypto.randomInt(0, 100_000)).padStart(5, '0');
}

/**
 * Register (or replace) the merchant's RSA public key for this merchant and
 * mode. The first registration creates the gateway: its sysId and Tessera's
 * own RSA key pair (the private key sealed by the key provider). Audited.
 */
export async function registerGatewayKey(
  tx: Tx, keys: KeyProvider, owner: Owner, apiKeyId: string, publicKeyPem: string, ctx: ActionContext,
): Promise<Gateway> {
  const merchantPem = checkMerchantPublicKey(publicKeyPem);
  const existing = await store.selectGatewayOf(tx, owner);
  let fresh: { sysId: string; publicKeyPem: string; sealed: Buffer } | null = null;
  if (!existing) {
    const sysId = newSysId(ctx.at);
    const pair = await generateRsaKeyPair();
    fresh = { sysId, publicKeyPem: pair.publicKeyPem, sealed: await keys.seal(Buffer.from(pair.privateKeyPem), aad(sysId)) };
  }
  const gateway = await store.upsertGateway(tx, {
    sysId: existing?.sysId ?? fresh!.sysId, merchantId: owner.merchantId, mode: owner.mode, merchantPublicKeyPem: merchantPem,
    gatewayPublicKeyPem: existing?.gatewayPublicKeyPem ?? fresh!.publicKeyPem,
    gatewayPrivateKeySealed: existing?.gatewayPrivateKeySealed ?? fresh!.sealed, apiKeyId,
  }, ctx.at);
  await appendAudit(tx, {
    ...ctx, action: existing ? 'kazepay.gateway_key.replace' : 'kazepay.gateway_key.register', target: gateway.sysId, result: 'success',
    details: { mode: owner.mode, fingerprint: crypto.createHash('sha256').update(merchantPem).digest('hex').slice(0, 16) },
  });
  return gateway;
}

export async function getGatewayKey(q: Queryable, owner: Owner): Promise<Gateway> {
  const gateway = await store.selectGatewayOf(q, owner);
  if (!gateway) throw notFound('gateway key; register one with PUT /v1/gateway_keys');
  return gateway;
}

export async function findGateway(q: Queryable, sysId: string): Promise<Gateway | null> {
  return store.selectGateway(q, sysId);
}

/** Tessera's private key of a gateway, opened from its seal. */
export async function gatewayPrivateKey(keys: KeyProvider, gateway: Gateway): Promise<crypto.KeyObject> {
  return crypto.createPrivateKey((await keys.open(gateway.gatewayPrivateKeySealed, aad(gateway.sysId))).toString());
}
