/**
 * @tessera/sdk: a typed client of the Tessera API (openapi-fetch over types generated from the server's
 * OpenAPI document) and the helpers a merchant's integration needs: RFC 9421 request signing, Standard
 * Webhooks verification and the KazePay gateway envelope.
 */
export { createTesseraClient, InvalidPathParameterError, tesseraFetch, retryAfterMs, RETRIES_MAX, type TesseraClient, type TesseraClientOptions } from './client.js';
export { TesseraApiError, unwrap, type TesseraErrorCode, type UnexpectedResponseCode } from './errors.js';
export { signRequest, contentDigest, generateSigningKeyPair, type SigningKey, type RequestToSign } from './signing.js';
export { verifyWebhook, WebhookVerificationError, type WebhookEvent, type WebhookEventType } from './webhooks.js';
export * as kazepay from './kazepay.js';
export {
  KazePayClient, KazePayError, type KazePayCredentials, type KazePayRequest, type KazePayResponse, type KazePayErrorKind,
} from './kazepay.js';
export type { paths, components, operations, webhooks } from './schema.js';
