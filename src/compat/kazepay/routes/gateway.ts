import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errorSpec, retryAfterSeconds } from '../../../http/errors.ts';
import { toDomainError } from '../../../http/plugins/error-handler.ts';
import { refuseAttempt } from '../../../http/plugins/auth.ts';
import { KYC_IMAGE_BYTES_MAX } from '../../../kyc/index.ts';
import { handleEnvelope, unsignedAnswer, type GatewayAnswer, type Refusal } from '../gateway.ts';
import { API_CODES } from '../fields.ts';
import { RequestEnvelope, ResponseEnvelope, unsignedExample } from '../schemas.ts';

/**
 * Why this size: setUcardKyc carries three images of up to 5 MiB as base64,
 * and the whole payload is encrypted and base64-encoded again (4/3 twice),
 * plus room for the other fields and the head.
 */
export const GATEWAY_BODY_LIMIT = Math.ceil(((3 * Math.ceil((KYC_IMAGE_BYTES_MAX * 4) / 3) + 64 * 1024) * 4) / 3) + 16 * 1024;

const GATEWAY_DESCRIPTION = `KazePay physical-card API (seed 003): one endpoint taking the signed, encrypted envelope
\`{head: {apiCode, sysId, requestNo, version, sign, keyEnc}, body: {encrypt}}\` and dispatching on \`apiCode\` (${API_CODES.join(', ')}).

**Authentication** is the envelope, not a Bearer key: \`sysId\` names the merchant and mode that registered an RSA key
(PUT /v1/gateway_keys), and \`sign\` (RSA-PSS-SHA256, salt 32, by that key, over \`apiCode|sysId|requestNo|version|keyEnc|encrypt\`
in UTF-8) is verified before anything is decrypted. \`keyEnc\` = hex(RSA-OAEP-SHA256/MGF1-SHA256 of a fresh 32-byte AES key,
for \`gateway_public_key_pem\`); \`encrypt\` = base64(12-byte IV ‖ AES-256-GCM ciphertext ‖ 16-byte tag) of the UTF-8 JSON payload.
The gateway acts with the scopes of the API key that registered the merchant key (queryCard needs \`cards:reveal\`).

**Answers.** A request that cannot be verified (malformed envelope, unknown sysId, wrong signature, undecryptable body) gets
HTTP 401 with head code \`VERIFY_FAILED\` and nothing else, whichever check failed. Otherwise HTTP 200 with a head signed by the
gateway key (over \`apiCode|sysId|requestNo|version|code|detail|keyEnc|encrypt\`) and a body encrypted for the merchant key:
the result carries \`"encrypt": "SUCCESS"\` and the document's fields, or \`"encrypt": "FAILED"\` with \`code\`, \`message\` and
\`param\` (head code \`FAILED\`, detail = message). queryTransactions answers the document's array.

**requestNo** is unique per sysId forever: a repeat with the same apiCode and payload replays the stored answer byte for byte
(\`Idempotent-Replayed: true\`) and never acts twice; a repeat with another payload is refused. Answers are kept 24 hours.

**Mapping.** \`cardID\` is Tessera's card id (card_…). setUcardKyc creates the customer (or updates one whose KYC may still be
submitted) and submits KYC; ucardAssign uses the customer's oldest USD account (opening one) and assigns the stock card;
statuses: PENDING_ACTIVATION→UNACTIVATED, ACTIVE, INACTIVE, EXPIRED, TERMINATED→CLOSE_PROCESSING, CLOSED→CLOSE_PROCESSING while
authorizations are pending, else CLOSED. Amounts are decimals in the currency's scale, parsed strictly. See README "KazePay gateway".`;

function send(reply: FastifyReply, answer: GatewayAnswer) {
  if (answer.replayed) reply.header('Idempotent-Replayed', 'true');
  reply.header('cache-control', 'no-store');
  return reply.code(answer.status).send(answer.envelope);
}

/** Anything that fails around the envelope (body parsing, size, rate limit, bugs) answers in the envelope's shape, unsigned. */
function gatewayErrorHandler(err: Error, request: FastifyRequest, reply: FastifyReply) {
  const domain = toDomainError(err);
  const status = errorSpec(domain.code).status;
  const retryAfter = retryAfterSeconds(domain.code);
  if (retryAfter !== null) reply.header('Retry-After', String(retryAfter));
  if (status === 500) request.log.error({ err }, 'unhandled error in the KazePay gateway');
  // 503 is an outage, not a bug: SYSTEM_BUSY tells the client to retry the same requestNo.
  const code = status === 429 ? 'RATE_LIMITED' : status === 503 ? 'SYSTEM_BUSY' : status >= 500 ? 'SYSTEM_ERROR' : 'REQUEST_INVALID';
  const detail = status === 503 ? `${domain.message.replace(/Idempotency-Key/, 'requestNo')}`
    : status >= 500 ? `An internal error occurred; it has been logged with the request id ${request.id}.` : domain.message;
  return send(reply, unsignedAnswer(request.body ?? null, status, code, detail));
}

/** The envelope of each refusal, with an example: HTTP status, head code, what it means. */
const refusal = (description: string, code: string, detail: string) => ({
  ...ResponseEnvelope, description, examples: [unsignedExample(code, detail)],
});

/**
 * POST /kazepay/gateway. On the untyped app: the envelope is checked by the gateway itself (attachValidation), so
 * that a malformed one is refused like any other; the schema documents it, the handler takes the body as unknown.
 */
export function gatewayRoute(app: FastifyInstance): void {
  const { db, keys, clock, config } = app.deps;
  app.post('/kazepay/gateway', {
    config: { auth: 'public' },
    bodyLimit: GATEWAY_BODY_LIMIT,
    attachValidation: true,
    errorHandler: gatewayErrorHandler,
    schema: {
      tags: ['KazePay gateway'], security: [], operationId: 'kazepay.gateway', summary: 'KazePay gateway (all apiCodes)',
      description: GATEWAY_DESCRIPTION,
      body: RequestEnvelope,
      response: {
        200: { ...ResponseEnvelope, description: 'SUCCESS, or FAILED (signed: the decrypted result says why).' },
        400: refusal('REQUEST_INVALID: the HTTP body is not JSON.', 'REQUEST_INVALID', 'The request body is not valid JSON.'),
        401: refusal('VERIFY_FAILED: the envelope could not be verified (which check failed is not said).', 'VERIFY_FAILED',
          'The request could not be verified.'),
        413: refusal('REQUEST_INVALID: the body is over the limit.', 'REQUEST_INVALID', 'The request body is larger than the limit.'),
        415: refusal('REQUEST_INVALID: the Content-Type is not application/json.', 'REQUEST_INVALID',
          'Unsupported Content-Type; send application/json.'),
        429: refusal('RATE_LIMITED.', 'RATE_LIMITED', 'Too many requests; retry in 1 seconds.'),
        500: refusal('SYSTEM_ERROR.', 'SYSTEM_ERROR', 'An internal error occurred; it has been logged with the request id req_01jz4w5h9n3q7s1u5x8z2b4d6f.'),
        503: refusal('SYSTEM_BUSY: the service is briefly unavailable (the database cannot be reached); retry the same requestNo after '
          + 'Retry-After.', 'SYSTEM_BUSY', 'The service is briefly unavailable; retry after the time in Retry-After, with the same requestNo.'),
      },
    },
  }, async (request, reply) => {
    const takeReveal = async (keyId: string) => (await app.rateLimits.take(request, { kind: 'reveals', keyId })).allowed;
    const refused = (r: Refusal) => refuseAttempt(request, reply, {
      action: 'kazepay.verify_failure', target: r.sysId, code: r.reason, details: { reason: r.reason, api_code: r.apiCode },
    });
    const answer = await handleEnvelope({ db, keys, clock, policy: { minAge: config.minCustomerAge }, takeReveal, refused }, request.body ?? null, request.ip);
    return send(reply, answer);
  });
}
