import crypto from 'node:crypto';
import {
  KAZEPAY_VERSION, openPayload, requestSigningString, responseSigningString, sealPayload, signText, verifyText,
  type Envelope, type KeyInput, type RequestHead, type ResponseHead,
} from './envelope.ts';

/**
 * The merchant's side of the KazePay gateway, for SDK users: build a signed,
 * encrypted request; open and verify a response. Only node:crypto; nothing of
 * the server. See README "KazePay gateway" for the scheme.
 *
 *   const creds = { sysId, merchantPrivateKey: pem, gatewayPublicKey: gatewayPem };
 *   const request = buildRequest(creds, 'cardBalance', { cardID, currency: 'USD' });
 *   const res = await fetch(`${base}/kazepay/gateway`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) });
 *   const { head, result } = openResponse(creds, await res.json(), request.head);
 */

export type { Envelope, RequestHead, ResponseHead } from './envelope.ts';
export { KAZEPAY_VERSION, generateRsaKeyPair } from './envelope.ts';

export interface KazePayCredentials {
  /** The `sys_id` answered by PUT /v1/gateway_keys. */
  sysId: string;
  /** Your RSA private key (PEM or KeyObject): signs requests and opens responses. */
  merchantPrivateKey: KeyInput;
  /** `gateway_public_key_pem` from PUT /v1/gateway_keys: encrypts requests and verifies responses. */
  gatewayPublicKey: KeyInput;
}

export type KazePayRequest = Envelope<RequestHead>;
export type KazePayResponse = Envelope<ResponseHead>;

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
 * Verify Tessera's signature, then decrypt. `result` is the decrypted JSON:
 * an object with `encrypt: "SUCCESS" | "FAILED"` (failures add `code`,
 * `message`, `param`), or the documented array for queryTransactions.
 * Pass the request's head to check that the answer is for that request.
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
