import type { Tx } from '../db/index.ts';
import { appendAudit } from '../audit/index.ts';
import { newId } from '../lib/ids.ts';
import type { ActionContext } from '../lib/context.ts';
import * as store from './store.ts';
import { displayPrefix, generateSecret, hashSecret } from './keys.ts';
import type { IssuedKey, Mode, Scope } from './types.ts';

/** A new key and its audit row; `details` adds to what the row says (never secrets). The secret is in the result only. */
export async function issueKey(
  tx: Tx, merchantId: string, mode: Mode, scopes: readonly Scope[], ctx: ActionContext,
  options: { name?: string | null; details?: Record<string, unknown> } = {},
): Promise<IssuedKey> {
  const secret = generateSecret(mode);
  const key = await store.insertKey(tx, {
    id: newId('apiKey'), merchantId, mode, scopes, name: options.name ?? null, hash: hashSecret(secret), prefix: displayPrefix(secret), at: ctx.at,
  });
  await appendAudit(tx, {
    ...ctx, action: 'api_key.create', target: key.id, result: 'success',
    details: { merchant_id: merchantId, mode, scopes, ...(key.name !== null ? { name: key.name } : {}), ...options.details },
  });
  return { key, secret };
}
