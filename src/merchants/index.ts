import type { Queryable, Tx } from '../db/index.ts';
import { appendAudit } from '../audit/index.ts';
import { DomainError, notFound } from '../lib/errors.ts';
import { newId, isId } from '../lib/ids.ts';
import type { ActionContext } from '../lib/context.ts';
import { toPage, type Page, type PageRequest } from '../lib/pagination.ts';
import * as store from './store.ts';
import { issueKey } from './issue.ts';
import { DEFAULT_SCOPES, ROOT_SANDBOX_SCOPES, type ApiKey, type IssuedKey, type Merchant, type Mode, type Scope } from './types.ts';

export * from './types.ts';
export { issueToken, verifyToken, TOKEN_TTL_SECONDS } from './tokens.ts';
export { authenticate, authenticateToken } from './authenticate.ts';
export { PrincipalCache, PRINCIPAL_CACHE_MAX, PRINCIPAL_CACHE_MS } from './principals.ts';
export { createRestrictedKey, listKeysOfMode, revokeKeyOfMode, ACTIVE_KEYS_MAX, KEY_NAME_LENGTH_MAX } from './self-service.ts';

export async function createMerchant(tx: Tx, name: string, ctx: ActionContext): Promise<{ merchant: Merchant; sandboxKey: IssuedKey }> {
  const merchant = await store.insertMerchant(tx, newId('merchant'), name, ctx.at);
  const sandboxKey = await issueKey(tx, merchant.id, 'sandbox', ROOT_SANDBOX_SCOPES, ctx);
  await appendAudit(tx, { ...ctx, action: 'merchant.create', target: merchant.id, result: 'success' });
  return { merchant, sandboxKey };
}

export async function getMerchant(q: Queryable, id: string): Promise<Merchant> {
  const merchant = isId('merchant', id) ? await store.selectMerchant(q, id) : null;
  if (!merchant) throw notFound('merchant', 'id');
  return merchant;
}

/** Why 200: a merchant's name is at most 200 characters, so a longer search cannot match. */
export const MERCHANT_QUERY_LENGTH_MAX = 200;

/** Newest first. With `query`: the merchant with that id, and those whose name contains it, ignoring case. */
export async function listMerchants(q: Queryable, page: PageRequest, query: string | null = null): Promise<Page<Merchant>> {
  const text = query?.trim() ?? '';
  const search = text === '' ? null : { id: isId('merchant', text) ? text : null, name: text };
  return toPage(await store.selectMerchants(q, page.limit + 1, page.startingAfter, search), page.limit);
}

export async function createApiKey(
  tx: Tx, merchantId: string, mode: Mode, scopes: readonly Scope[] | undefined, ctx: ActionContext,
): Promise<IssuedKey> {
  await getMerchant(tx, merchantId);
  return issueKey(tx, merchantId, mode, scopes && scopes.length > 0 ? [...new Set(scopes)] : DEFAULT_SCOPES, ctx);
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

/**
 * Withdraw production access: the merchant's live keys answer 403 `live_access_required` again (its live data stays).
 * Harmless when it has none. Changes the merchant's principals: the caller forgets them once this commits.
 */
export async function revokeLiveAccess(tx: Tx, merchantId: string, ctx: ActionContext): Promise<Merchant> {
  const before = isId('merchant', merchantId) ? await store.selectMerchant(tx, merchantId, true) : null;
  if (!before) throw notFound('merchant', 'id');
  const merchant = before.liveAccess ? (await store.updateLiveAccess(tx, merchantId, false, ctx.at))! : before;
  await appendAudit(tx, {
    ...ctx, action: 'merchant.live_access.revoke', target: merchant.id, result: 'success', details: { had_live_access: before.liveAccess },
  });
  return merchant;
}

/** Why 500 characters: an operator's note on why ("chargeback ratio over 1 %, case 4411"), not a file. */
export const SUSPENSION_REASON_LENGTH_MAX = 500;

/**
 * Suspend a merchant: its keys and tokens answer 403 `merchant_suspended` and its cards decline with reason
 * `merchant_suspended` until resumeMerchant(). Nothing else changes: its data, balances, pending holds (which may
 * still clear or expire), webhooks and the operator's access stay. Suspending again keeps the first time and
 * replaces the reason. Changes the merchant's principals: the caller forgets them once this commits.
 */
export async function suspendMerchant(tx: Tx, merchantId: string, reason: string | null, ctx: ActionContext): Promise<Merchant> {
  const before = isId('merchant', merchantId) ? await store.selectMerchant(tx, merchantId, true) : null;
  if (!before) throw notFound('merchant', 'id');
  const note = reason?.trim() || null;
  if (note !== null && note.length > SUSPENSION_REASON_LENGTH_MAX) {
    throw new DomainError('parameter_invalid', `\`reason\` is longer than ${SUSPENSION_REASON_LENGTH_MAX} characters.`, 'reason');
  }
  const merchant = (await store.updateSuspension(tx, merchantId, { at: before.suspendedAt ?? ctx.at, reason: note }, ctx.at))!;
  await appendAudit(tx, {
    ...ctx, action: 'merchant.suspend', target: merchant.id, result: 'success',
    details: { reason: note, already_suspended: before.suspendedAt !== null },
  });
  return merchant;
}

/** Lift a suspension; harmless when the merchant is not suspended. The caller forgets its principals once this commits. */
export async function resumeMerchant(tx: Tx, merchantId: string, ctx: ActionContext): Promise<Merchant> {
  const before = isId('merchant', merchantId) ? await store.selectMerchant(tx, merchantId, true) : null;
  if (!before) throw notFound('merchant', 'id');
  const merchant = before.suspendedAt === null ? before : (await store.updateSuspension(tx, merchantId, null, ctx.at))!;
  await appendAudit(tx, {
    ...ctx, action: 'merchant.resume', target: merchant.id, result: 'success', details: { was_suspended: before.suspendedAt !== null },
  });
  return merchant;
}
