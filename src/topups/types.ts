import type { Mode } from '../merchants/index.ts';

export interface Owner {
  merchantId: string;
  mode: Mode;
}

/**
 * One mobile operator in one country in the operator's catalogue (per mode).
 * Amounts are minor units of the airtime `currency`; the price is in the
 * wallet currency: amount × rate, plus a fee.
 */
export interface TopupProduct {
  mode: Mode;
  /** ISO 3166-1 alpha-2. */
  country: string;
  /** The mobile operator's name as merchants choose it ("MTN"). */
  operator: string;
  /** ISO 4217 code of the airtime the recipient gets. */
  currency: string;
  /** Fixed amounts, ascending; null when the product takes a range. */
  denominations: bigint[] | null;
  minAmount: bigint | null;
  maxAmount: bigint | null;
  /** The wallet the top-up is charged to. */
  walletCurrency: string;
  /** 1 major unit of `currency` = rate major units of `walletCurrency`, as a decimal text ("0.0017"). */
  rate: string;
  /** Wallet minor units. */
  feeFixed: bigint;
  feePercentBps: number;
  /** The provider's id of the operator (Reloadly's operatorId); null: the adapter finds it by name. */
  providerOperatorId: string | null;
  updatedAt: Date;
}

export type TopupProductInput = Omit<TopupProduct, 'mode' | 'updatedAt'>;

export const TOPUP_STATUSES = ['pending', 'succeeded', 'failed'] as const;
export type TopupStatus = (typeof TOPUP_STATUSES)[number];

/**
 * Why a top-up failed, a closed list: the provider refused the number, the
 * provider refused the top-up for another reason, or it never answered
 * within TOPUP_RESOLVE_DEADLINE_MS.
 */
export const TOPUP_FAILURE_CODES = ['recipient_invalid', 'provider_declined', 'provider_unreachable'] as const;
export type TopupFailureCode = (typeof TOPUP_FAILURE_CODES)[number];

export const TOPUP_PROVIDER_NAMES = ['sandbox', 'reloadly'] as const;
export type TopupProviderName = (typeof TOPUP_PROVIDER_NAMES)[number];

export interface Topup {
  id: string;
  merchantId: string;
  mode: Mode;
  country: string;
  operator: string;
  providerOperatorId: string | null;
  /** E.164. */
  phone: string;
  amount: bigint;
  currency: string;
  price: bigint;
  fee: bigint;
  walletCurrency: string;
  status: TopupStatus;
  failureCode: TopupFailureCode | null;
  failureMessage: string | null;
  provider: TopupProviderName;
  providerReference: string | null;
  attempts: number;
  submittedAt: Date | null;
  nextAttemptAt: Date | null;
  completedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** What a merchant asks for: estimate and send take the same four fields. */
export interface TopupRequest {
  country: string;
  operator: string;
  /** E.164 or the country's national format. */
  phone: string;
  /** Minor units of the product's currency. */
  amount: bigint;
}

export interface TopupEstimate {
  product: TopupProduct;
  /** The phone number in E.164. */
  phone: string;
  amount: bigint;
  price: bigint;
  fee: bigint;
  total: bigint;
}

/** How numbers are written in a country, for the schema. */
export interface PhoneFormat {
  callingCode: string;
  /** A valid mobile number of the country, E.164. */
  example: string;
  /** The same in national format. */
  nationalExample: string;
}
