import crypto from 'node:crypto';

/**
 * The KazePay envelope as Tessera defines it (seed 003 shows its fields, not
 * its algorithms; README "KazePay gateway" documents this with an example).
 * Pure functions over node:crypto. The merchant's side, in @tessera/sdk
 * (packages/sdk/src/kazepay.ts), computes the same bytes; the tests hold the two together.
 *
 * - body.encrypt = base64( iv[12] ‖ AES-256-GCM ciphertext ‖ tag[16] ) of the
 *   UTF-8 JSON payload, under a fresh 32-byte key; no associated data.
 * - head.keyEnc  = hex( RSA-OAEP(SHA-256, MGF1-SHA-256, empty label) of that key )
 *   under the receiver's RSA public key.
 * - head.sign    = hex( RSA-PSS(SHA-256, MGF1-SHA-256, salt 32) ) by the sender
 *   over the canonical string, UTF-8:
 *     request:  apiCode|sysId|requestNo|version|keyEnc|encrypt
 *     response: apiCode|sysId|requestNo|version|code|detail|keyEnc|encrypt
 * Hex for sign and keyEnc and base64 for encrypt, as the document's samples show.
 */

export const KAZEPAY_VERSION = '1.0';
export const IV_BYTES = 12;
export const TAG_BYTES = 16;
export const CONTENT_KEY_BYTES = 32;
/** PSS salt length: the digest size, the usual choice (Java's PSSParameterSpec.DEFAULT uses 20: set 32). */
export const PSS_SALT_BYTES = 32;
/** Why 2048: below it RSA is no longer considered safe (NIST SP 800-131A). */
export const RSA_BITS_MIN = 2048;
/** Why 8192: larger keys only cost CPU on every request. */
export const RSA_BITS_MAX = 8192;

export interface RequestHead {
  apiCode: string;
  sysId: string;
  requestNo: string;
  version: string;
  sign: string;
  keyEnc: string;
}

export interface ResponseHead {
  apiCode: string;
  sysId: string;
  requestNo: string;
  version: string;
  code: string;
  detail: string;
  sign: string;
  keyEnc: string;
}

export interface Envelope<H> {
  head: H;
  body: { encrypt: string };
}

export type KeyInput = crypto.KeyObject | string;

const publicKeyOf = (k: KeyInput) => (typeof k === 'string' ? crypto.createPublicKey(k) : k);
const privateKeyOf = (k: KeyInput) => (typeof k === 'string' ? crypto.createPrivateKey(k) : k);

export function requestSigningString(h: Omit<RequestHead, 'sign'>, encrypt: string): string {
  return [h.apiCode, h.sysId, h.requestNo, h.version, h.keyEnc, encrypt].join('|');
}

export function responseSigningString(h: Omit<ResponseHead, 'sign'>, encrypt: string): string {
  return [h.apiCode, h.sysId, h.requestNo, h.version, h.code, h.detail, h.keyEnc, encrypt].join('|');
}

/** Encrypt a payload for a receiver: a fresh content key, wrapped for the receiver's public key. */
export function sealPayload(payload: unknown, receiverPublicKey: KeyInput): { keyEnc: string; encrypt: string } {
  const key = crypto.randomBytes(CONTENT_KEY_BYTES);
  const iv = crypto.randomBytes(IV_BYTES);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(payload), 'utf8'), cipher.final()]);
  const encrypt = Buffer.concat([iv, ciphertext, cipher.getAuthTag()]).toString('base64');
  const wrapped = crypto.publicEncrypt({ key: publicKeyOf(receiverPublicKey), padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, key);
  return { keyEnc: wrapped.toString('hex'), encrypt };
}

/** The plaintext bytes, or null when anything fails (wrong key, tampered ciphertext or tag): callers never learn which. */
export function openPayload(keyEnc: string, encrypt: string, receiverPrivateKey: KeyInput): Buffer | null {
  try {
    if (!isHex(keyEnc) || !isBase64(encrypt)) return null;
    const key = crypto.privateDecrypt({ key: privateKeyOf(receiverPrivateKey), padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, Buffer.from(keyEnc, 'hex'));
    if (key.length !== CONTENT_KEY_BYTES) return null;
    const raw = Buffer.from(encrypt, 'base64');
    if (raw.length < IV_BYTES + TAG_BYTES) return null;
    const decipher = crypto.createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
    decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]);
  } catch {
    return null;
  }
}

const PSS = { padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: PSS_SALT_BYTES };

export function signText(text: string, privateKey: KeyInput): string {
  return crypto.sign('sha256', Buffer.from(text, 'utf8'), { key: privateKeyOf(privateKey), ...PSS }).toString('hex');
}

export function verifyText(text: string, signHex: string, publicKey: KeyInput): boolean {
  try {
    if (!isHex(signHex)) return false;
    return crypto.verify('sha256', Buffer.from(text, 'utf8'), { key: publicKeyOf(publicKey), ...PSS }, Buffer.from(signHex, 'hex'));
  } catch {
    return false;
  }
}

export function isHex(s: string): boolean {
  return s.length > 0 && s.length % 2 === 0 && /^[0-9a-fA-F]+$/.test(s);
}

export function isBase64(s: string): boolean {
  return s.length > 0 && s.length % 4 === 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(s);
}

/** An RSA key pair for one side of a gateway (PEM: SPKI public, PKCS#8 private). */
export function generateRsaKeyPair(bits = RSA_BITS_MIN): Promise<{ publicKeyPem: string; privateKeyPem: string }> {
  return new Promise((resolve, reject) => {
    crypto.generateKeyPair('rsa', {
      modulusLength: bits, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    }, (err, publicKeyPem, privateKeyPem) => (err ? reject(err) : resolve({ publicKeyPem, privateKeyPem })));
  });
}
