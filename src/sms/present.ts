import { toJsonNumber } from '../lib/money.ts';
import type { Sms } from './types.ts';

/** The SMS as the native API and its events show it: what was billed and where it stands, never the text. */
export function presentSms(s: Sms) {
  return {
    id: s.id, object: 'sms' as const, to: s.to, customer_id: s.customerId, country: s.country, encoding: s.encoding, segments: s.segments,
    price: toJsonNumber(s.price), currency: s.currency, status: s.status, failure_reason: s.failureReason,
    created_at: s.createdAt.toISOString(), updated_at: s.updatedAt.toISOString(),
  };
}

export type PresentedSms = ReturnType<typeof presentSms>;
