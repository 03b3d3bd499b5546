import type { Queryable, Tx } from '../db/index.ts';
import { appendAudit } from '../audit/index.ts';
import { DomainError, notFound } from '../lib/errors.ts';
import { newId, isId } from '../lib/ids.ts';
import type { ActionContext } from '../lib/context.ts';
import { toPage, type Page, type PageRequest } from '../lib/pagination.ts';
import * as store from './store.ts';
import { displayPrefix, generateSecret, hashSecret, modeOfSecret, sameHash } from './keys.ts';
import { DEFAULT_SCOPES, type ApiKey, type IssuedKey, type Merchant, type Mode, type Principal, type Scope } from './types.ts';

export * from './types.ts';
export { issueToken, verifyToken, TOKEN_TTL_SECONDS } from './tokens.ts';

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

export async function revokeApiKey(tx: Tx, merchantId: string, keyId: string, ctx: ActionContext): Promise<ApiKey> {
  const key = isId('apiKey', keyId) ? await store.revokeKey(tx, merchantId, keyId, ctx.at) : null;
  if (!key) throw notFound('API key', 'keyId');
  await appendAudit(tx, { ...ctx, action: 'api_key.revoke', target: key.id, result: 'success', details: { merchant_id: merchantId } });
  return key;
}

export async function grantLiveAccess(tx: Tx, merchantId: string, ctx: ActionContext): Promise<Merchant> {
  const merchant = isId('merchant', merchantId) ? await store.updateLiveAccess(tx, merchantId, true, ctx.at) : null;
  if (!merchant) throw notFound('merchant', 'id');
  await appendAudit(tx, { ...ctx, action: 'merchant.live_access.grant', target: merchant.id, result: 'success' });
  return merchant;
}

/**
 * Resolve a presented API key (or, with `byId`, the key named by a verified
 * token) to the principal it stands for. Failures are DomainErrors whose
 * messages never echo the key.
 */
export async function authenticate(q: Queryable, presented: { secret: string } | { keyId: string }): Promise<Principal> {
  let row: store.KeyWithMerchant | null;
  if ('secret' in presented) {
    if (modeOfSecret(presented.secret) === null) throw new DomainError('invalid_api_key', 'The API key is malformed.');
    const hash = hashSecret(presented.secret);
    row = await store.selectKeyBy(q, 'hash', hash);
    if (row && !sameHash(row.keyHash, hash)) row = null;
    if (!row) throw new DomainError('invalid_api_key', 'The API key is not valid.');
  } else {
    row = isId('apiKey', presented.keyId) ? await store.selectKeyBy(q, 'id', presented.keyId) : null;
    if (!row) throw new DomainError('invalid_token', 'The token is not valid.');
  }
  if (row.revokedAt !== null) throw new DomainError('api_key_revoked', 'The API key has been revoked.');
  if (row.mode === 'live' && !row.liveAccess) {
    throw new DomainError('live_access_required', 'This merchant does not have live access yet; use a sandbox key or ask the operator for production access.');
  }
  return {
    merchantId: row.merchantId, keyId: row.id, mode: row.mode, scopes: row.scopes, liveAccess: row.liveAccess,
    clockOffsetMs: row.mode === 'sandbox' ? row.clockOffsetMs : 0,
  };
}
