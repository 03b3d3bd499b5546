import { Type, type Static } from '@fastify/type-provider-typebox';
import { Timestamp } from '../../http/schemas.ts';
import { API_CODES } from './fields.ts';
import type { Gateway } from './gateways.ts';

/** The KazePay envelope (seed 003) and the gateway key, as the OpenAPI document shows them. */

const hex = (what: string) => Type.String({ description: `${what}, lowercase hex.` });

/** Well-formed stand-ins (2048-bit RSA: 256 bytes, 512 hex digits); no real key made them. */
const SIGN_EXAMPLE = '9c4e'.repeat(128);
const KEY_ENC_EXAMPLE = '3b7d'.repeat(128);
const HEAD_EXAMPLE = { apiCode: 'cardBalance', sysId: '202611041021374829105730', requestNo: '2026110410213700000001', version: '1.0' };

export const RequestEnvelope = Type.Object({
  head: Type.Object({
    apiCode: Type.Enum(API_CODES, { description: 'The operation.' }),
    sysId: Type.String({ description: 'The `sys_id` from PUT /v1/gateway_keys.' }),
    requestNo: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$', description: 'Unique per sysId, forever: a repeat replays the first answer; a repeat with another payload is refused.' }),
    version: Type.Literal('1.0'),
    sign: hex('RSA-PSS-SHA256 signature by the merchant key over `apiCode|sysId|requestNo|version|keyEnc|encrypt`'),
    keyEnc: hex("The AES-256 key, wrapped with RSA-OAEP-SHA256 for the gateway's public key"),
  }),
  body: Type.Object({ encrypt: Type.String({ description: 'base64(iv[12] ‖ AES-256-GCM ciphertext ‖ tag[16]) of the UTF-8 JSON payload.' }) }),
}, {
  description: 'Seed 003 envelope.',
  examples: [{
    head: { ...HEAD_EXAMPLE, sign: SIGN_EXAMPLE, keyEnc: KEY_ENC_EXAMPLE },
    body: { encrypt: 'q1xv3m9Ty0bKc8wHfJ2s7LtZ4P0Nn5aRdE6uGiYjWk3oQpVbX1zC+7e2hUgF9r8=' },
  }],
});

export const ResponseEnvelope = Type.Object({
  head: Type.Object({
    apiCode: Type.String(), sysId: Type.String(), requestNo: Type.String(), version: Type.String(),
    code: Type.String({ description: 'SUCCESS; FAILED (signed: the decrypted result says why); VERIFY_FAILED, REQUEST_INVALID, RATE_LIMITED, SYSTEM_BUSY (retry the same requestNo after Retry-After), SYSTEM_ERROR (unsigned, empty sign/keyEnc/encrypt).' }),
    detail: Type.String({ description: 'SUCCESS, or a message.' }),
    sign: hex("RSA-PSS-SHA256 signature by the gateway key over `apiCode|sysId|requestNo|version|code|detail|keyEnc|encrypt` (empty when unsigned)"),
    keyEnc: hex("The response's AES-256 key, wrapped with RSA-OAEP-SHA256 for the merchant key (empty when unsigned)"),
  }),
  body: Type.Object({ encrypt: Type.String({ description: 'base64(iv ‖ ciphertext ‖ tag) of the result JSON (empty when unsigned).' }) }),
}, {
  examples: [{
    head: { ...HEAD_EXAMPLE, code: 'SUCCESS', detail: 'SUCCESS', sign: SIGN_EXAMPLE, keyEnc: KEY_ENC_EXAMPLE },
    body: { encrypt: 'Hn4c8WqT2vK0yLb6sXe3Jm9ZpR5aU1dG7fOiVtNw+Qk2hYcE0rB8lMj4xS6gP3o=' },
  }],
});

/** An answer that could not be signed (SYSTEM_ERROR, or a refusal before the merchant is known): head code and detail only. */
export const unsignedExample = (code: string, detail: string) => ({
  head: { ...HEAD_EXAMPLE, code, detail, sign: '', keyEnc: '' }, body: { encrypt: '' },
});

export const GatewayKeySchema = Type.Object({
  object: Type.Literal('gateway_key'),
  sys_id: Type.String({ description: 'The `head.sysId` of your envelopes: this merchant and this mode.' }),
  gateway_public_key_pem: Type.String({ description: "Tessera's RSA public key for this gateway: wrap request keys for it, verify response signatures with it." }),
  livemode: Type.Boolean(),
  created_at: Timestamp,
  updated_at: Timestamp,
}, {
  examples: [{
    object: 'gateway_key', sys_id: '202611041021374829105730',
    gateway_public_key_pem: '-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA…\n-----END PUBLIC KEY-----\n',
    livemode: false, created_at: '2026-11-04T10:21:37.412Z', updated_at: '2026-11-04T10:21:37.412Z',
  }],
});

export const presentGatewayKey = (g: Gateway) => ({
  object: 'gateway_key' as const, sys_id: g.sysId, gateway_public_key_pem: g.gatewayPublicKeyPem, livemode: g.mode === 'live',
  created_at: g.createdAt.toISOString(), updated_at: g.updatedAt.toISOString(),
}) satisfies Static<typeof GatewayKeySchema>;


