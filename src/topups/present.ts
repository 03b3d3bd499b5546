import { toJsonNumber } from '../lib/money.ts';
import type { Topup } from './types.ts';

/**
 * A top-up as the API and its events show it (one shape for both, so a
 * webhook carries exactly what GET /v1/topups/{id} answers). Amounts are
 * integers in minor units: `amount` of `currency`, the rest of `wallet_currency`.
 */
export function presentTopup(t: Topup) {
  return {
    id: t.id,
    object: 'topup' as const,
    status: t.status,
    country: t.country,
    operator: t.operator,
    phone: t.phone,
    amount: toJsonNumber(t.amount),
    currency: t.currency,
    price: toJsonNumber(t.price),
    fee: toJsonNumber(t.fee),
    total: toJsonNumber(t.price + t.fee),
    wallet_currency: t.walletCurrency,
    failure_code: t.failureCode,
    failure_message: t.failureMessage,
    livemode: t.mode === 'live',
    created_at: t.createdAt.toISOString(),
    updated_at: t.updatedAt.toISOString(),
    completed_at: t.completedAt?.toISOString() ?? null,
  };
}

export type PresentedTopup = ReturnType<typeof presentTopup>;
