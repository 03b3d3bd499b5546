import type { Account } from './types.ts';

/** The account in the native wire shape: the object of `account.created`, written in the transaction that opens it. */
export function accountPayload(a: Account) {
  return {
    id: a.id, object: 'account' as const, customer_id: a.customerId, currency: a.currency, livemode: a.mode === 'live',
    created_at: a.createdAt.toISOString(),
  };
}
