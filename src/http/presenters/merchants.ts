import { Type, type Static } from '@fastify/type-provider-typebox';
import type { ApiKey, Merchant } from '../../merchants/index.ts';
import { SCOPES } from '../../merchants/index.ts';
import { Timestamp } from '../schemas.ts';

export const MERCHANT_EXAMPLE = {
  id: 'mch_01jz3k8w2yfq9t6v4x0c5n7m1r', object: 'merchant', name: 'Acme Wallet', live_access: false, suspended: false,
  suspended_at: null, suspension_reason: null, created_at: '2026-11-02T09:14:03.512Z', updated_at: '2026-11-02T09:14:03.512Z',
} as const;

export const MerchantSchema = Type.Object({
  id: Type.String({ description: 'mch_…' }),
  object: Type.Literal('merchant'),
  name: Type.String(),
  live_access: Type.Boolean({ description: 'Whether live keys work (granted by the operator).' }),
  suspended: Type.Boolean({ description: 'Whether the operator has suspended the merchant: its keys answer 403 `merchant_suspended` and its cards decline.' }),
  suspended_at: Type.Union([Timestamp, Type.Null()], { description: 'Since when it is suspended.' }),
  suspension_reason: Type.Union([Type.String(), Type.Null()], { description: "The operator's note on the suspension." }),
  created_at: Timestamp,
  updated_at: Timestamp,
}, { examples: [MERCHANT_EXAMPLE] });

export const ScopeSchema = Type.Enum(SCOPES);

export const API_KEY_EXAMPLE = {
  id: 'apikey_01jz3m2c7hq4s8x1v6b9n0k3te', object: 'api_key', merchant_id: 'mch_01jz3k8w2yfq9t6v4x0c5n7m1r', mode: 'sandbox',
  scopes: ['read', 'cards:reveal'], name: 'support desk', prefix: 'sk_sandbox_9dY2', created_at: '2026-11-03T16:40:11.007Z',
  revoked_at: null,
} as const;

export const ApiKeySchema = Type.Object({
  id: Type.String({ description: 'apikey_…' }),
  object: Type.Literal('api_key'),
  merchant_id: Type.String(),
  mode: Type.Union([Type.Literal('sandbox'), Type.Literal('live')]),
  scopes: Type.Array(ScopeSchema),
  name: Type.Union([Type.String(), Type.Null()], { description: 'Given by the merchant (POST /v1/api_keys); null for keys the operator made.' }),
  prefix: Type.String({ description: 'The first characters of the key, to tell keys apart.' }),
  created_at: Timestamp,
  revoked_at: Type.Union([Timestamp, Type.Null()]),
}, { examples: [API_KEY_EXAMPLE] });

/** Presenters are typed against their response schema and do no I/O: the domain object carries all they show. */
export const presentMerchant = (m: Merchant) => ({
  id: m.id, object: 'merchant' as const, name: m.name, live_access: m.liveAccess, suspended: m.suspendedAt !== null,
  suspended_at: m.suspendedAt?.toISOString() ?? null, suspension_reason: m.suspensionReason,
  created_at: m.createdAt.toISOString(), updated_at: m.updatedAt.toISOString(),
}) satisfies Static<typeof MerchantSchema>;

export const presentKey = (k: ApiKey) => ({
  id: k.id, object: 'api_key' as const, merchant_id: k.merchantId, mode: k.mode, scopes: k.scopes, name: k.name, prefix: k.prefix,
  created_at: k.createdAt.toISOString(), revoked_at: k.revokedAt?.toISOString() ?? null,
}) satisfies Static<typeof ApiKeySchema>;
