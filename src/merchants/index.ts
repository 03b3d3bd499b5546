import type { Queryable, Tx } from '../db/index.ts';
import { appendAudit } from '../audit/index.ts';
import { notFound } from '../lib/errors.ts';
import { newId, isId } from '../lib/ids.ts';
import type { ActionContext } from '../lib/context.ts';
import { toPage, type Page, type PageRequest } from '../lib/pagination.ts';
import * as store from './store.ts';
import { displayPrefix, generateSecret, hashSecret } from './keys.ts';
import { DEFAULT_SCOPES, type ApiKey, type IssuedKey, type Merchant, type Mode, type Scope } from './types.ts';

export * from './types.ts';
export { issueToken, verifyToken, TOKEN_TTL_SECONDS } from './tokens.ts';
export { authenticate, authenticateToken } from './authenticate.ts';
export { PrincipalCache, PRINCIPAL_CACHE_MAX, PRINCIPAL_CACHE_MS } from './principals.ts';

export async function createMerchant(tx: Tx, name: string, ctx: ActionContext): Promise<{ merchant: Merchant; sandboxKey: IssuedKey }> {
  const merchant = await store.insertMerchant(tx, newId('merchant'), name, ctx.at);
  const sandboxKey = await issueKey(tx, merchant.id, 'sandbox', DEFAULT_SCOPES, ctx);
  await appendAudit(tx, { ...ctx, action: 'merchant.create', target: merchant.id, result: 'success' });
  return { merchant, sandboxKey };
}

export async function getMerchant(q: Queryable, id: string): Promise<Merchant> {
  const merchant = isId('merchant', id) ? await store.selectMerchant(q, id) : null;
  if (!merchant) throw notFound('merchant', 'id');
  return merchant;
}

export async function listMerchants(q: Queryable, page: PageRequest): Promise<Page<Merchant>> {
  return toPage(await store.selectMerchants(q, page.limit + 1, page.startingAfter), page.limit);
}

export async function createApiKey(
  tx: Tx, merchantId: string, mode: Mode, scopes: readonly Scope[] | undefined, ctx: ActionContext,
): Promise<IssuedKey> {
  await getMerchant(tx, merchantId);
  return issueKey(tx, merchantId, mode, scopes && scopes.length > 0 ? [...new Set(scopes)] : DEFAULT_SCOPES, ctx);
}

async function issueKey(tx: Tx, merchantId: string, mode: Mode, scopes: readonly Scope[], ctx: ActionContext): Promise<IssuedKey> {
  const secret = generateSecret(mode);
  const key = await store.insertKey(tx, {
    id: newId('apiKey'), merchantId, mode, scopes, hash: hashSecret(secret), prefix: displayPrefix(secret), at: ctx.at,
  });
  await appendAudit(tx, { ...ctx, action: 'api_key.create', target: key.id, result: 'success', details: { merchant_id: merchantId, mode, scopes } });
  return { key, secret };
}

export async function listApiKeys(q: Queryable, merchantId: string): Promise<ApiKey[]> {
  await getMerchant(q, merchantId);
  return store.selectKeys(q, merchantId);
}

/** Its principal stays cached up to PRINCIPAL_CACHE_MS in other processes; the caller forgets it here once this commits. */
export async function revokeApiKey(tx: Tx, merchantId: string, keyId: string, ctx: ActionContext): Promise<ApiKey> {
  const key = isId('apiKey', keyId) ? await store.revokeKey(tx, merchantId, keyId, ctx.at) : null;
  if (!key) throw notFound('API key', 'keyId');
  await appendAudit(tx, { ...ctx, action: 'api_key.revoke', target: key.id, result: 'success', details: { merchant_id: merchantId } });
  return key;
}

/** Changes the merchant's principals: the caller forgets them (PrincipalCache.forget) once this commits. */
export async function grantLiveAccess(tx: Tx, merchantId: string, ctx: ActionContext): Promise<Merchant> {
  const merchant = isId('merchant', merchantId) ? await store.updateLiveAccess(tx, merchantId, true, ctx.at) : null;
  if (!merchant) throw notFound('merchant', 'id');
  await appendAudit(tx, { ...ctx, action: 'merchant.live_access.grant', target: merchant.id, result: 'success' });
  return merchant;
}
