import crypto from 'node:crypto';
import type { Queryable } from '../../db/index.ts';
import type { AccountCounters } from '../types.ts';
import { lookupAccounts } from '../reads.ts';

/** A prefix that makes a test's ids unique in a shared database. */
export function uniquePrefix(label = 't'): string {
  return `${label}${crypto.randomBytes(5).toString('hex')}`;
}

export type Counters4 = [debitsPending: bigint, debitsPosted: bigint, creditsPending: bigint, creditsPosted: bigint];

export const counters4 = (c: AccountCounters): Counters4 => [c.debitsPending, c.debitsPosted, c.creditsPending, c.creditsPosted];

/** The counters of each id, [0,0,0,0] for a missing account, as a plain object that compares well in expect(). */
export async function countersOf(q: Queryable, ids: readonly string[]): Promise<Record<string, Counters4>> {
  const found = new Map((await lookupAccounts(q, ids)).map((a) => [a.id, counters4(a)]));
  return Object.fromEntries(ids.map((id) => [id, found.get(id) ?? [0n, 0n, 0n, 0n]]));
}

/** Σ (credits_posted − debits_posted) over accounts: what transfers among them must conserve. */
export async function netPosted(q: Queryable, ids: readonly string[]): Promise<bigint> {
  let sum = 0n;
  for (const a of await lookupAccounts(q, ids)) sum += a.creditsPosted - a.debitsPosted;
  return sum;
}
