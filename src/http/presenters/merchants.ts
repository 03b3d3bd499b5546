import { Type } from '@fastify/type-provider-typebox';
import type { ApiKey, Merchant } from '../../merchants/index.ts';
import { SCOPES } from '../../merchants/index.ts';
import { Timestamp } from '../schemas.ts';

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
});

export const ScopeSchema = Type.Union(SCOPES.map((s) => Type.Literal(s)));

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
});

export const presentMerchant = (m: Merchant) => ({
  id: m.id, object: 'merchant' as const, name: m.name, live_access: m.liveAccess, suspended: m.suspendedAt !== null,
  suspended_at: m.suspendedAt?.toISOString() ?? null, suspension_reason: m.suspensionReason,
  created_at: m.createdAt.toISOString(), updated_at: m.updatedAt.toISOString(),
});

export const presentKey = (k: ApiKey) => ({
  id: k.id, object: 'api_key' as const, merchant_id: k.merchantId, mode: k.mode, scopes: k.scopes, name: k.name, prefix: k.prefix,
  created_at: k.createdAt.toISOString(), revoked_at: k.revokedAt?.toISOString() ?? null,
});
