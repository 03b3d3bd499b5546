import type { Address, Owner } from '../customers/index.ts';
import type { CardStatus } from './state.ts';

export const CARD_TYPES = ['virtual', 'physical'] as const;
export type CardType = (typeof CARD_TYPES)[number];
export const CARD_BRANDS = ['VISA', 'MASTERCARD'] as const;
export type Brand = (typeof CARD_BRANDS)[number];
export const CARD_TIERS = ['standard', 'business'] as const;
export type Tier = (typeof CARD_TIERS)[number];
export type ShipmentStatus = 'ordered' | 'shipped' | 'delivered';

export interface Card {
  id: string;
  merchantId: string;
  mode: Owner['mode'];
  accountId: string;
  customerId: string;
  type: CardType;
  brand: Brand;
  status: CardStatus;
  tier: Tier;
  currency: string;
  bin: string;
  last4: string;
  expMonth: number;
  expYear: number;
  nickname: string | null;
  isDefault: boolean;
  isRecurring: boolean;
  cardToken: string;
  billingAddress: Address;
  shippingAddress: Address | null;
  shipmentStatus: ShipmentStatus | null;
  shipmentTracking: string | null;
  pinSet: boolean;
  pinBlocked: boolean;
  activationLocked: boolean;
  /** Per-card override of the merchant's authorization mode; null follows the merchant. */
  authorizationMode: 'direct' | 'reserve' | null;
  availableAccountId: string;
  reserveAccountId: string;
  terminatedAt: Date | null;
  createdAt: Date;
  updatedAt: Date | null;
}

export interface CardInput {
  type: CardType;
  brand?: Brand;
  nickname?: string;
  tier?: Tier;
  billingAddress?: Address;
  shippingAddress?: Address;
}

export interface CardFilter {
  status?: CardStatus;
  /** Any of these states (a facade's status that covers several native ones, e.g. Kwik DISABLED). */
  statuses?: readonly CardStatus[];
  customerId?: string;
  accountId?: string;
  type?: CardType;
  /** Cards whose expiry falls within this many months from now (0: this month). */
  expireInMonths?: number;
}

/** The balances shown on a card, always read from the ledger. */
export interface CardBalances {
  available: bigint;
  authorizationBalance: bigint;
}
