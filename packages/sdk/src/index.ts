/**
 * @tessera/sdk: a typed client of the Tessera API (openapi-fetch over types generated from the server's
 * OpenAPI document) and the helpers a merchant's integration needs: RFC 9421 request signing, Standard
 * Webhooks verification and the KazePay gateway envelope.
 */
export { createTesseraClient, tesseraFetch, retryAfterMs, RETRIES_MAX, type TesseraClient, type TesseraClientOptions } from './client.ts';
export { TesseraApiError, unwrap, type TesseraErrorCode, type UnexpectedResponseCode } from './errors.ts';
export { signRequest, contentDigest, generateSigningKeyPair, type SigningKey, type RequestToSign } from './signing.ts';
export { verifyWebhook, WebhookVerificationError, type WebhookEvent } from './webhooks.ts';
export * as kazepay from './kazepay.ts';
export {
  KazePayClient, KazePayError, type KazePayCredentials, type KazePayRequest, type KazePayResponse, type KazePayErrorKind,
} from './kazepay.ts';
export type { paths, components, operations, webhooks } from './schema.js';
