import type { Account, AccountCode, AccountCounters, AccountFlag } from './types.ts';

/**
 * The side on which an account's balance is positive. A debit-limited account
 * (wallet, card) holds money owed to its owner: credit-normal. A
 * credit-limited account, and external funding (the world outside, debited
 * for every deposit), are debit-normal. Accounts without a flag default by
 * their code.
 */
export function normalSide(account: { code: AccountCode; flags: readonly AccountFlag[] }): 'debit' | 'credit' {
  if (account.flags.includes('debits_must_not_exceed_credits')) return 'credit';
  if (account.flags.includes('credits_must_not_exceed_debits')) return 'debit';
  return account.code === 'external_funding' ? 'debit' : 'credit';
}

export interface Balance {
  side: 'debit' | 'credit';
  /** What has settled: credits_posted − debits_posted (the mirror on the debit side). */
  posted: bigint;
  /** What can be spent now: posted minus outgoing holds (card `balance`, SPEC §2). */
  available: bigint;
  /** Outgoing holds: debits_pending on the credit side. */
  held: bigint;
  /** Incoming holds, not yet spendable: credits_pending on the credit side. */
  incoming: bigint;
}

export function balanceOf(counters: AccountCounters, side: 'debit' | 'credit'): Balance {
  const c = counters;
  return side === 'credit'
    ? { side, posted: c.creditsPosted - c.debitsPosted, available: c.creditsPosted - c.debitsPosted - c.debitsPending, held: c.debitsPending, incoming: c.creditsPending }
    : { side, posted: c.debitsPosted - c.creditsPosted, available: c.debitsPosted - c.creditsPosted - c.creditsPending, held: c.creditsPending, incoming: c.debitsPending };
}

/** The balance of an account on its normal side. */
export function balance(account: Account): Balance {
  return balanceOf(account, normalSide(account));
}
