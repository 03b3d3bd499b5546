import type { Mode } from '../merchants/index.ts';
import type { SmsEncoding } from './segments.ts';

export type { Owner } from '../customers/index.ts';
export type { SmsEncoding } from './segments.ts';

/** `queued → sent → delivered | failed`, as the provider reports it (the sandbox channel delivers at once). */
export const SMS_STATUSES = ['queued', 'sent', 'delivered', 'failed'] as const;
export type SmsStatus = (typeof SMS_STATUSES)[number];

export interface Sms {
  id: string;
  merchantId: string;
  mode: Mode;
  customerId: string | null;
  /** The message in the notification channel, which holds the (sealed) text. */
  notificationId: string;
  /** E.164. */
  to: string;
  country: string;
  encoding: SmsEncoding;
  segments: number;
  /** Minor units of `currency`: segments × the price per segment. */
  price: bigint;
  currency: string;
  status: SmsStatus;
  failureReason: string | null;
  /** When the held price was posted or released; null while it is held. */
  settledAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface SmsInput {
  /** E.164; or the customer's phone when `customerId` is given instead. */
  to?: string;
  customerId?: string;
  text: string;
}

export interface SmsPrice {
  mode: Mode;
  country: string;
  currency: string;
  /** Minor units of `currency`. */
  pricePerSegment: bigint;
  updatedAt: Date;
}

export interface BlockedNumber {
  number: string;
  reason: string | null;
  createdAt: Date;
}
