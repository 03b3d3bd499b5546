import type { FeeSchedule } from '../fees/index.ts';
import type { CardStatus } from '../cards/index.ts';
import type { MerchantInfo } from '../transactions/index.ts';

/** The closed list of decline reasons (SPEC §3), each with its ISO 8583 response code. */
export const DECLINE_CODES = {
  card_not_found: '14',
  card_inactive: '62',
  card_expired: '54',
  currency_not_supported: '57',
  spending_controls: '61',
  velocity_exceeded: '65',
  merchant_not_allowed: '57',
  merchant_declined: '05',
  decision_timeout: '05',
  insufficient_funds: '51',
  // The operator suspended the card's merchant (POST /admin/v1/merchants/{id}/suspend). 05 "do not honour": the
  // issuer's own refusal, which says nothing about the card, the cardholder or the transaction (62, 57), and is no
  // pick-up or invalid-card code (04, 07, 14, 41, 43) telling the acquirer to keep or drop a card that will work
  // again once the operator resumes the merchant.
  merchant_suspended: '05',
  // What the ISO 8583 link verifies before the batch (docs/iso8583.md): DE 14 against the card, and the PIN block.
  expiry_mismatch: '54',
  incorrect_pin: '55',
  pin_tries_exceeded: '75',
} as const;
export type DeclineReason = keyof typeof DECLINE_CODES;
/** A check the caller made before the batch that failed; it declines after the card's status and expiry (SPEC §3 order). */
export type VerificationFailure = Extract<DeclineReason, 'expiry_mismatch' | 'incorrect_pin' | 'pin_tries_exceeded'>;
export const APPROVED_CODE = '00';

export interface AuthorizationRequest {
  cardId: string;
  /** Minor units of `currency` (the merchant's currency). */
  amount: bigint;
  currency: string;
  merchant: MerchantInfo;
  partialAllowed: boolean;
}

/** Spend so far in each calendar window (UTC), in the card's currency, and today's approval count. */
export interface WindowTotals {
  daily: bigint;
  weekly: bigint;
  monthly: bigint;
  yearly: bigint;
  all_time: bigint;
  daily_count: number;
}

export const EMPTY_TOTALS: WindowTotals = Object.freeze({ daily: 0n, weekly: 0n, monthly: 0n, yearly: 0n, all_time: 0n, daily_count: 0 });

export interface SpendingControls {
  per_authorization?: number;
  daily?: number;
  weekly?: number;
  monthly?: number;
  yearly?: number;
  all_time?: number;
  daily_count?: number;
  allowed_mccs?: string[];
  blocked_mccs?: string[];
  blocked_countries?: string[];
}

export interface RealtimeVerdict {
  approved: boolean;
  /** An amount the merchant approves instead (partial), in the card's currency. */
  amount?: bigint;
  source: 'merchant' | 'fallback';
  /** Set when the fallback applied because the endpoint timed out or failed. */
  failure?: 'timeout' | 'error' | 'bad_signature' | 'bad_response';
}

/** Everything the decision needs, read under the card's row lock. */
export interface Snapshot {
  now: Date;
  card: { status: CardStatus; expYear: number; expMonth: number; currency: string } | null;
  /** The amount in the card's currency, or null when no FX rate converts it. */
  cardAmount: bigint | null;
  fxApplied: boolean;
  fees: FeeSchedule;
  controls: { card: SpendingControls | null; customer: SpendingControls | null };
  spend: { card: WindowTotals; customer: WindowTotals };
  realtime: RealtimeVerdict | null;
  /** Spendable now in the funding source (available, or the reserve in `reserve` mode). */
  funds: bigint;
  /** The card's merchant is suspended by the operator: every authorization declines. */
  merchantSuspended: boolean;
}

export interface Decision {
  approved: boolean;
  /** Approved amount in the card's currency (0 when declined). */
  amount: bigint;
  fee: bigint;
  partial: boolean;
  reason: DeclineReason | null;
  responseCode: string;
  decisionSource: 'tessera' | 'merchant' | 'fallback';
}
