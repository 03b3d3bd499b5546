import type { Queryable, Tx } from '../db/index.ts';
import { appendAudit } from '../audit/index.ts';
import { DomainError, notFound } from '../lib/errors.ts';
import { isId } from '../lib/ids.ts';
import type { ActionContext } from '../lib/context.ts';
import { toPage, type Page, type PageRequest } from '../lib/pagination.ts';
import * as store from './store.ts';
import { issueKey } from './issue.ts';
import type { ApiKey, IssuedKey, Principal, Scope } from './types.ts';

/**
 * Self-service keys (POST/GET/DELETE /v1/api_keys): a key with the `keys:write` scope manages the keys of its own
 * merchant and mode. It can never hand out more than it holds, nor revoke a key that holds more than it does, so a
 * leaked restricted key can neither mint a stronger one nor lock the merchant's stronger keys out. A key may revoke
 * itself (rotation with one credential: create the new key with the old one, then revoke the old one).
 */

/**
 * Why 100: one key per service or environment of a merchant is a few dozen at most; the bound keeps a leaked
 * `keys:write` key from minting credentials without end. Per merchant and mode, revoked keys not counted.
 */
export const ACTIVE_KEYS_MAX = 100;
/** Why 100 characters: a label that fits a list row ("payments-worker eu-west"), not a description. */
export const KEY_NAME_LENGTH_MAX = 100;

// A name reaches the operator's screens and the audit log: no control characters.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

function checkName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length === 0) throw new DomainError('parameter_missing', '`name` must not be blank.', 'name');
  if (trimmed.length > KEY_NAME_LENGTH_MAX) {
    throw new DomainError('parameter_invalid', `\`name\` is longer than ${KEY_NAME_LENGTH_MAX} characters.`, 'name');
  }
  if (CONTROL.test(trimmed)) throw new DomainError('parameter_invalid', '`name` contains control characters.', 'name');
  return trimmed;
}

const held = (caller: Principal) => caller.scopes.join(', ');

/** A restricted key in the caller's merchant and mode, with scopes among the caller's. The secret is in the result only. */
export async function createRestrictedKey(
  tx: Tx, caller: Principal, input: { name: string; scopes: readonly Scope[] }, ctx: ActionContext,
): Promise<IssuedKey> {
  const name = checkName(input.name);
  if (input.scopes.length === 0) throw new DomainError('parameter_missing', 'Give the new key at least one scope.', 'scopes');
  for (const [i, scope] of input.scopes.entries()) {
    if (!caller.scopes.includes(scope)) {
      throw new DomainError('insufficient_scope',
        `This key cannot grant \`${scope}\`: a new key's scopes must be among the calling key's (${held(caller)}).`, `scopes.${i}`);
    }
  }
  // The merchant's row serializes creations, so two at once cannot both pass the count.
  const merchant = await store.selectMerchant(tx, caller.merchantId, true);
  if (!merchant) throw notFound('merchant');
  if (await store.countActiveKeys(tx, caller.merchantId, caller.mode) >= ACTIVE_KEYS_MAX) {
    throw new DomainError('conflict', `This merchant already has ${ACTIVE_KEYS_MAX} active ${caller.mode} keys; revoke one first.`);
  }
  return issueKey(tx, caller.merchantId, caller.mode, [...new Set(input.scopes)], ctx, {
    name, details: { self_service: true },
  });
}

/** The keys of the caller's merchant and mode, newest first, revoked ones included; never a secret. */
export async function listKeysOfMode(q: Queryable, caller: Principal, page: PageRequest): Promise<Page<ApiKey>> {
  const rows = await store.selectModeKeys(q, caller.merchantId, caller.mode, page.limit + 1, page.startingAfter);
  return toPage(rows, page.limit);
}

/**
 * Revoke a key of the caller's merchant and mode; any other key answers 404 as an unknown one does. A key holding a
 * scope the caller lacks is refused (403 insufficient_scope). Revoking twice is harmless. The caller forgets the
 * merchant's cached principals once this commits.
 */
export async function revokeKeyOfMode(tx: Tx, caller: Principal, keyId: string, ctx: ActionContext): Promise<ApiKey> {
  const key = isId('apiKey', keyId) ? await store.selectKey(tx, caller.merchantId, keyId, true) : null;
  if (!key || key.mode !== caller.mode) throw notFound('API key', 'id');
  const stronger = key.scopes.filter((s) => !caller.scopes.includes(s));
  if (stronger.length > 0) {
    throw new DomainError('insufficient_scope',
      `This key cannot revoke a key with \`${stronger.join('`, `')}\`: only keys whose scopes are among the calling key's (${held(caller)}).`, 'id');
  }
  if (key.revokedAt !== null) return key;
  const revoked = (await store.revokeKey(tx, caller.merchantId, key.id, ctx.at))!;
  await appendAudit(tx, {
    ...ctx, action: 'api_key.revoke', target: key.id, result: 'success',
    details: { merchant_id: caller.merchantId, mode: caller.mode, self_service: true, own_key: key.id === caller.keyId },
  });
  return revoked;
}
