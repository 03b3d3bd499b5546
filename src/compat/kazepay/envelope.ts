import { kazepay } from '@tessera/sdk';

/**
 * The KazePay envelope as Tessera defines it (seed 003 shows its fields, not its algorithms; README "KazePay
 * gateway" documents it with an example): AES-256-GCM under a fresh key wrapped with RSA-OAEP, heads signed
 * with RSA-PSS. One implementation of its bytes, in @tessera/sdk (packages/sdk/src/kazepay.ts), which the
 * merchant's side and this gateway both use, so the two can never drift apart; what only the gateway needs
 * (the largest key it accepts) is here.
 */
export const {
  KAZEPAY_VERSION, IV_BYTES, TAG_BYTES, CONTENT_KEY_BYTES, PSS_SALT_BYTES, RSA_BITS_MIN,
  requestSigningString, responseSigningString, sealPayload, openPayload, signText, verifyText, generateRsaKeyPair,
} = kazepay;

export type RequestHead = kazepay.RequestHead;
export type ResponseHead = kazepay.ResponseHead;
export type Envelope<H> = kazepay.Envelope<H>;
export type KeyInput = kazepay.KeyInput;

/** Why 8192: larger keys only cost CPU on every request. */
export const RSA_BITS_MAX = 8192;
