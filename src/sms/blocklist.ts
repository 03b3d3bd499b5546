import type { Queryable, Tx } from '../db/index.ts';
import { DomainError, notFound } from '../lib/errors.ts';
import type { ActionContext } from '../lib/context.ts';
import { toPage, type Page, type PageRequest } from '../lib/pagination.ts';
import { appendAudit } from '../audit/index.ts';
import * as store from './store.ts';
import type { BlockedNumber } from './types.ts';

/**
 * The operator's block list: numbers no merchant may send SMS to (complaints,
 * premium-rate fraud). It covers merchants' SMS only; Tessera's own messages
 * to a cardholder (an activation code) still go.
 */

/** Why 100: one page of a list call (PAGE_LIMIT_MAX). */
export const BLOCKED_NUMBERS_PAGE_MAX = 100;

const E164 = /^\+[1-9][0-9]{6,14}$/;

export async function isNumberBlocked(q: Queryable, number: string): Promise<boolean> {
  return store.isBlocked(q, number);
}

/** In number order; `startingAfter` is the last number of the previous page. */
export async function listBlockedNumbers(q: Queryable, page: PageRequest): Promise<Page<BlockedNumber>> {
  const limit = Math.min(page.limit, BLOCKED_NUMBERS_PAGE_MAX);
  return toPage(await store.selectBlocked(q, limit + 1, page.startingAfter), limit);
}

export async function blockNumber(tx: Tx, number: string, reason: string | null, ctx: ActionContext): Promise<BlockedNumber> {
  if (!E164.test(number)) throw new DomainError('parameter_invalid', '`number` must be in E.164: + and up to 15 digits.', 'number');
  const blocked = await store.upsertBlocked(tx, { number, reason, at: ctx.at });
  await appendAudit(tx, { ...ctx, action: 'sms.number.block', target: number, result: 'success', details: { reason } });
  return blocked;
}

export async function unblockNumber(tx: Tx, number: string, ctx: ActionContext): Promise<void> {
  if (!(await store.deleteBlocked(tx, number))) throw notFound('blocked number', 'number');
  await appendAudit(tx, { ...ctx, action: 'sms.number.unblock', target: number, result: 'success', details: {} });
}
