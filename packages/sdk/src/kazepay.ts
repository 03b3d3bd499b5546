import crypto from 'node:crypto';

/**
 * The merchant's side of Tessera's KazePay gateway (POST /kazepay/gateway, seed 003): build a signed,
 * encrypted request; verify and open the answer. node:crypto only. The scheme, as the server implements it:
 *
 * - body.encrypt = base64( iv[12] ‖ AES-256-GCM ciphertext ‖ tag[16] ) of the UTF-8 JSON payload, under a
 *   fresh 32-byte key; no associated data.
 * - head.keyEnc  = hex( RSA-OAEP(SHA-256, MGF1-SHA-256, empty label) of that key ) for the receiver's key.
 * - head.sign    = hex( RSA-PSS(SHA-256, MGF1-SHA-256, salt 32) ) by the sender over, UTF-8:
 *     request:  apiCode|sysId|requestNo|version|keyEnc|encrypt
 *     response: apiCode|sysId|requestNo|version|code|detail|keyEnc|encrypt
 *
 *   const creds = { sysId, merchantPrivateKey: pem, gatewayPublicKey: gatewayPem };
 *   const gateway = new KazePayClient({ baseUrl, ...creds });
 *   const { head, result } = await gateway.call('cardBalance', { cardID, currency: 'USD' });
 */

export const KAZEPAY_VERSION = '1.0';
export const IV_BYTES = 12;
export const TAG_BYTES = 16;
export const CONTENT_KEY_BYTES = 32;
/** PSS salt length: the digest size (Java's PSSParameterSpec.DEFAULT uses 20: set 32 there). */
export const PSS_SALT_BYTES = 32;
/** Why 2048: below it RSA is no longer considered safe (NIST SP 800-131A); the gateway refuses smaller keys. */
export const RSA_BITS_MIN = 2048;

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
  /** `SUCCESS` or `FAILED` (the document's head codes). */
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
export type KazePayRequest = Envelope<RequestHead>;
export type KazePayResponse = Envelope<ResponseHead>;

export interface KazePayCredentials {
  /** The `sys_id` answered by PUT /v1/gateway_keys. */
  sysId: string;
  /** Your RSA private key (PEM or KeyObject): signs requests and opens responses. */
  merchantPrivateKey: KeyInput;
  /** `gateway_public_key_pem` from PUT /v1/gateway_keys: encrypts requests and verifies responses. */
  gatewayPublicKey: KeyInput;
}

const publicKeyOf = (k: KeyInput) => (typeof k === 'string' ? crypto.createPublicKey(k) : k);
const privateKeyOf = (k: KeyInput) => (typeof k === 'string' ? crypto.createPrivateKey(k) : k);
const OAEP = { padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' };
const PSS = { padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: PSS_SALT_BYTES };

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
  const wrapped = crypto.publicEncrypt({ key: publicKeyOf(receiverPublicKey), ...OAEP }, key);
  return { keyEnc: wrapped.toString('hex'), encrypt };
}

const isHex = (s: string) => s.length > 0 && s.length % 2 === 0 && /^[0-9a-fA-F]+$/.test(s);
const isBase64 = (s: string) => s.length > 0 && s.length % 4 === 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(s);

/** The plaintext bytes, or null when anything fails (wrong key, tampered ciphertext or tag). */
export function openPayload(keyEnc: string, encrypt: string, receiverPrivateKey: KeyInput): Buffer | null {
  try {
    if (!isHex(keyEnc) || !isBase64(encrypt)) return null;
    const key = crypto.privateDecrypt({ key: privateKeyOf(receiverPrivateKey), ...OAEP }, Buffer.from(keyEnc, 'hex'));
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

/** An RSA key pair for the merchant's side (PEM: SPKI public, PKCS#8 private); send the public one to PUT /v1/gateway_keys. */
export function generateRsaKeyPair(bits = RSA_BITS_MIN): Promise<{ publicKeyPem: string; privateKeyPem: string }> {
  return new Promise((resolve, reject) => {
    crypto.generateKeyPair('rsa', {
      modulusLength: bits, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    }, (err, publicKeyPem, privateKeyPem) => (err ? reject(err) : resolve({ publicKeyPem, privateKeyPem })));
  });
}

/** A requestNo in the document's style: yyyyMMddHHmmss (UTC) and 8 random digits. Unique per sysId, forever. */
export function newRequestNo(now = new Date()): string {
  const stamp = now.toISOString().replace(/\D/g, '').slice(0, 14);
  return stamp + String(crypto.randomInt(0, 100_000_000)).padStart(8, '0');
}

/** Encrypt `payload` for Tessera and sign the head with the merchant's key. */
export function buildRequest(
  creds: KazePayCredentials, apiCode: string, payload: unknown, options: { requestNo?: string; version?: string } = {},
): KazePayRequest {
  const { keyEnc, encrypt } = sealPayload(payload, creds.gatewayPublicKey);
  const unsigned = { apiCode, sysId: creds.sysId, requestNo: options.requestNo ?? newRequestNo(), version: options.version ?? KAZEPAY_VERSION, keyEnc };
  const sign = signText(requestSigningString(unsigned, encrypt), creds.merchantPrivateKey);
  return { head: { ...unsigned, sign }, body: { encrypt } };
}

export type KazePayErrorKind =
  /** Tessera could not verify the request (unknown sysId, bad signature, undecryptable body…): an unsigned answer. */
  | 'request_not_verified'
  /** The answer is not a well-formed envelope, its signature does not verify, or it answers another request. */
  | 'response_not_verified';

export class KazePayError extends Error {
  override name = 'KazePayError';
  constructor(readonly kind: KazePayErrorKind, message: string, readonly head: Partial<ResponseHead> | null = null) {
    super(message);
  }
}

const str = (v: unknown): v is string => typeof v === 'string';

/**
 * Verify Tessera's signature, then decrypt. `result` is the decrypted JSON: an object with
 * `encrypt: "SUCCESS" | "FAILED"` (failures add `code`, `message`, `param`), or the documented array for
 * queryTransactions. Pass the request's head to check that the answer is for that request.
 * Throws KazePayError; never returns unverified content.
 */
export function openResponse(
  creds: KazePayCredentials, response: unknown, request?: Pick<RequestHead, 'apiCode' | 'requestNo'>,
): { head: ResponseHead; result: unknown } {
  const env = response as { head?: Record<string, unknown>; body?: Record<string, unknown> } | null;
  const h = env?.head;
  const encrypt = env?.body?.encrypt;
  if (!h || !str(h.apiCode) || !str(h.sysId) || !str(h.requestNo) || !str(h.version) || !str(h.code) || !str(h.detail)
    || !str(h.sign) || !str(h.keyEnc) || !str(encrypt)) {
    throw new KazePayError('response_not_verified', 'The response is not a KazePay envelope.');
  }
  const head = h as unknown as ResponseHead;
  if (head.sign === '') {
    throw new KazePayError('request_not_verified', `The gateway refused the request: ${head.code} — ${head.detail}`, head);
  }
  if (!verifyText(responseSigningString(head, encrypt), head.sign, creds.gatewayPublicKey)) {
    throw new KazePayError('response_not_verified', "The response's signature does not verify with the gateway's public key.", head);
  }
  if (head.sysId !== creds.sysId || (request && (head.apiCode !== request.apiCode || head.requestNo !== request.requestNo))) {
    throw new KazePayError('response_not_verified', 'The response answers another request.', head);
  }
  const plain = openPayload(head.keyEnc, encrypt, creds.merchantPrivateKey);
  if (plain === null) throw new KazePayError('response_not_verified', 'The response cannot be decrypted with the merchant key.', head);
  return { head, result: JSON.parse(plain.toString('utf8')) as unknown };
}

/** A small client over fetch: one call per apiCode, answers verified and decrypted. */
export class KazePayClient {
  readonly #base: string;
  readonly #creds: KazePayCredentials;
  readonly #fetch: typeof fetch;

  constructor(options: KazePayCredentials & { baseUrl: string; fetch?: typeof fetch }) {
    this.#base = options.baseUrl.replace(/\/+$/, '');
    this.#creds = { sysId: options.sysId, merchantPrivateKey: options.merchantPrivateKey, gatewayPublicKey: options.gatewayPublicKey };
    this.#fetch = options.fetch ?? fetch;
  }

  async call(apiCode: string, payload: unknown, options: { requestNo?: string } = {}): Promise<{ head: ResponseHead; result: unknown }> {
    const request = buildRequest(this.#creds, apiCode, payload, options);
    const res = await this.#fetch(`${this.#base}/kazepay/gateway`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request),
    });
    return openResponse(this.#creds, await res.json(), request.head);
  }
}
