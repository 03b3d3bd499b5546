import { Type } from '@fastify/type-provider-typebox';
import type { ApiKey, Merchant } from '../../merchants/index.ts';
import { SCOPES } from '../../merchants/index.ts';
import { Timestamp } from '../schemas.ts';

export const MerchantSchema = Type.Object({
  id: Type.String({ description: 'mch_…' }),
  object: Type.Literal('merchant'),
  name: Type.String(),
  live_access: Type.Boolean({ description: 'Whether live keys work (granted by the operator).' }),
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
  prefix: Type.String({ description: 'The first characters of the key, to tell keys apart.' }),
  created_at: Timestamp,
  revoked_at: Type.Union([Timestamp, Type.Null()]),
});

export const presentMerchant = (m: Merchant) => ({
  id: m.id, object: 'merchant' as const, name: m.name, live_access: m.liveAccess,
  created_at: m.createdAt.toISOString(), updated_at: m.updatedAt.toISOString(),
});

export const presentKey = (k: ApiKey) => ({
  id: k.id, object: 'api_key' as const, merchant_id: k.merchantId, mode: k.mode, scopes: k.scopes, prefix: k.prefix,
  created_at: k.createdAt.toISOString(), revoked_at: k.revokedAt?.toISOString() ?? null,
});
