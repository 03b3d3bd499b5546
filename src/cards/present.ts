import { monthsUntilExpiry } from './issue.ts';
import type { Card, CardBalances } from './types.ts';

/** The card as the API and events show it: masked, with balances from the ledger. Never the PAN or CVV. */
export function presentCard(c: Card, balances: CardBalances, now: Date) {
  const months = monthsUntilExpiry(c.expYear, c.expMonth, now);
  return {
    id: c.id, object: 'card' as const, account_id: c.accountId, customer_id: c.customerId, type: c.type, brand: c.brand,
    status: c.status, tier: c.tier, currency: c.currency,
    masked_number: `${c.bin.slice(0, 4)} **** **** ${c.last4}`, last4: c.last4,
    exp_month: c.expMonth, exp_year: c.expYear, expire_in_months: Math.max(months, 0), is_expired: months < 0 || c.status === 'EXPIRED',
    nickname: c.nickname, is_default: c.isDefault, is_recurring: c.isRecurring, card_token: c.cardToken,
    billing_address: c.billingAddress,
    shipping: c.type === 'physical' ? { address: c.shippingAddress, status: c.shipmentStatus, tracking: c.shipmentTracking } : null,
    pin_set: c.pinSet, pin_blocked: c.pinBlocked, authorization_mode: c.authorizationMode,
    balance: toNumber(balances.available), authorization_balance: toNumber(balances.authorizationBalance),
    livemode: c.mode === 'live',
    created_at: c.createdAt.toISOString(), updated_at: c.updatedAt?.toISOString() ?? null,
  };
}

export type PresentedCard = ReturnType<typeof presentCard>;

/** Minor units to a JSON number; ledger amounts are bounded far below 2^53. */
function toNumber(v: bigint): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER)) throw new Error('amount beyond JSON-safe range');
  return Number(v);
}
