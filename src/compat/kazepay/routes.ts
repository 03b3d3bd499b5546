import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@fastify/type-provider-typebox';
import { errorSpec, retryAfterSeconds } from '../../http/errors.ts';
import { toDomainError } from '../../http/plugins/error-handler.ts';
import { actionContext, principalOf, ownerOf, refuseAttempt } from '../../http/plugins/auth.ts';
import { mutation } from '../../http/plugins/idempotency.ts';
import { errorResponses, Timestamp } from '../../http/schemas.ts';
import { KYC_IMAGE_BYTES_MAX } from '../../kyc/index.ts';
import { RSA_BITS_MAX, RSA_BITS_MIN } from './envelope.ts';
import { PUBLIC_KEY_PEM_MAX, getGatewayKey, presentGatewayKey, registerGatewayKey } from './gateways.ts';
import { handleEnvelope, unsignedAnswer, type GatewayAnswer, type Refusal } from './gateway.ts';
import { API_CODES } from './fields.ts';

/**
 * Why this size: setUcardKyc carries three images of up to 5 MiB as base64,
 * and the whole payload is encrypted and base64-encoded again (4/3 twice),
 * plus room for the other fields and the head.
 */
export const GATEWAY_BODY_LIMIT = Math.ceil(((3 * Math.ceil((KYC_IMAGE_BYTES_MAX * 4) / 3) + 64 * 1024) * 4) / 3) + 16 * 1024;

const tags = ['KazePay gateway'];

const hex = (what: string) => Type.String({ description: `${what}, lowercase hex.` });
const RequestEnvelope = Type.Object({
  head: Type.Object({
    apiCode: Type.Union(API_CODES.map((c) => Type.Literal(c)), { description: 'The operation.' }),
    sysId: Type.String({ description: 'The `sys_id` from PUT /v1/gateway_keys.' }),
    requestNo: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$', description: 'Unique per sysId, forever: a repeat replays the first answer; a repeat with another payload is refused.' }),
    version: Type.Literal('1.0'),
    sign: hex('RSA-PSS-SHA256 signature by the merchant key over `apiCode|sysId|requestNo|version|keyEnc|encrypt`'),
    keyEnc: hex("The AES-256 key, wrapped with RSA-OAEP-SHA256 for the gateway's public key"),
  }),
  body: Type.Object({ encrypt: Type.String({ description: 'base64(iv[12] ‖ AES-256-GCM ciphertext ‖ tag[16]) of the UTF-8 JSON payload.' }) }),
}, { description: 'Seed 003 envelope.' });

const ResponseEnvelope = Type.Object({
  head: Type.Object({
    apiCode: Type.String(), sysId: Type.String(), requestNo: Type.String(), version: Type.String(),
    code: Type.String({ description: 'SUCCESS; FAILED (signed: the decrypted result says why); VERIFY_FAILED, REQUEST_INVALID, RATE_LIMITED, SYSTEM_BUSY (retry the same requestNo after Retry-After), SYSTEM_ERROR (unsigned, empty sign/keyEnc/encrypt).' }),
    detail: Type.String({ description: 'SUCCESS, or a message.' }),
    sign: hex("RSA-PSS-SHA256 signature by the gateway key over `apiCode|sysId|requestNo|version|code|detail|keyEnc|encrypt` (empty when unsigned)"),
    keyEnc: hex("The response's AES-256 key, wrapped with RSA-OAEP-SHA256 for the merchant key (empty when unsigned)"),
  }),
  body: Type.Object({ encrypt: Type.String({ description: 'base64(iv ‖ ciphertext ‖ tag) of the result JSON (empty when unsigned).' }) }),
});

const GatewayKeySchema = Type.Object({
  object: Type.Literal('gateway_key'),
  sys_id: Type.String({ description: 'The `head.sysId` of your envelopes: this merchant and this mode.' }),
  gateway_public_key_pem: Type.String({ description: "Tessera's RSA public key for this gateway: wrap request keys for it, verify response signatures with it." }),
  livemode: Type.Boolean(),
  created_at: Timestamp,
  updated_at: Timestamp,
});

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

export function kazepayRoutes(app: FastifyInstance): void {
  const { db, keys, clock, config } = app.deps;

  app.post('/kazepay/gateway', {
    config: { auth: 'public' },
    bodyLimit: GATEWAY_BODY_LIMIT,
    attachValidation: true,
    errorHandler: gatewayErrorHandler,
    schema: {
      tags, summary: 'KazePay gateway (all apiCodes)', description: GATEWAY_DESCRIPTION,
      body: RequestEnvelope,
      response: {
        200: ResponseEnvelope,
        400: { ...ResponseEnvelope, description: 'REQUEST_INVALID: the HTTP body is not JSON.' },
        401: { ...ResponseEnvelope, description: 'VERIFY_FAILED: the envelope could not be verified (which check failed is not said).' },
        413: { ...ResponseEnvelope, description: 'REQUEST_INVALID: the body is over the limit.' },
        415: { ...ResponseEnvelope, description: 'REQUEST_INVALID: the Content-Type is not application/json.' },
        429: { ...ResponseEnvelope, description: 'RATE_LIMITED.' },
        500: { ...ResponseEnvelope, description: 'SYSTEM_ERROR.' },
        503: { ...ResponseEnvelope, description: 'SYSTEM_BUSY: the service is briefly unavailable (the database cannot be reached); retry the same requestNo after Retry-After.' },
      },
    },
  }, async (request, reply) => {
    // The schema documents the envelope; the gateway checks it itself, so that a malformed one is refused like any other.
    const takeReveal = async (keyId: string) => (await app.rateLimits.take(request, { kind: 'reveals', keyId })).allowed;
    const refused = (r: Refusal) => refuseAttempt(request, reply, {
      action: 'kazepay.verify_failure', target: r.sysId, code: r.reason, details: { reason: r.reason, api_code: r.apiCode },
    });
    const answer = await handleEnvelope({ db, keys, clock, policy: { minAge: config.minCustomerAge }, takeReveal, refused }, request.body ?? null, request.ip);
    return send(reply, answer);
  });

  app.put('/v1/gateway_keys', {
    schema: {
      tags, security: [{ apiKey: [] }], summary: 'Register the KazePay gateway key',
      description: `Registers (or replaces) your RSA public key (${RSA_BITS_MIN}–${RSA_BITS_MAX} bits, SPKI or PKCS#1 PEM) for the KazePay gateway of this merchant and mode, and answers the gateway's \`sys_id\` and Tessera's own RSA public key for it. The first call creates the gateway; later calls replace only your key (sys_id and Tessera's key stay). The gateway acts in the mode of the key that calls this, with that key's scopes; if that key is revoked the gateway refuses requests until a key registers again. Audited.`,
      body: Type.Object({ public_key_pem: Type.String({ minLength: 1, maxLength: PUBLIC_KEY_PEM_MAX, description: 'Your RSA public key, PEM.' }) }, { additionalProperties: false }),
      response: { 200: GatewayKeySchema, ...errorResponses(403) },
    },
  }, (request, reply) =>
    mutation(request, reply, async (tx) => {
      const gateway = await registerGatewayKey(tx, keys, ownerOf(request), principalOf(request).keyId,
        (request.body as { public_key_pem: string }).public_key_pem, actionContext(request, clock.now()));
      return { status: 200, body: presentGatewayKey(gateway) };
    }));

  app.get('/v1/gateway_keys', {
    schema: {
      tags, security: [{ apiKey: [] }], summary: 'Retrieve the KazePay gateway key',
      description: "The gateway's `sys_id` and Tessera's RSA public key for this merchant and mode; 404 until PUT /v1/gateway_keys.",
      response: { 200: GatewayKeySchema, ...errorResponses(403, 404) },
    },
  }, async (request) => presentGatewayKey(await getGatewayKey(db, ownerOf(request))));
}
