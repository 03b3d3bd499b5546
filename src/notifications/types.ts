import type { Mode } from '../merchants/index.ts';

export type NotificationChannel = 'sms' | 'email';

/**
 * `stored`: a sandbox message, kept in the outbox (its delivery). `queued`:
 * a live message waiting for its (next) attempt. `sent`: the provider took
 * it. `delivered`: the provider reported it delivered (SMS). `failed`: the
 * provider refused it or reported it undelivered, or the attempts ran out.
 */
export type DeliveryStatus = 'stored' | 'queued' | 'sent' | 'delivered' | 'failed';

/** What the operator sees of a message: everything but its body, which may hold a one-time code. */
export interface OperatorNotification {
  id: string;
  merchantId: string;
  mode: Mode;
  customerId: string | null;
  channel: NotificationChannel;
  recipient: string;
  kind: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: Date | null;
  lastError: string | null;
  provider: string | null;
  providerMessageId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface Notification extends OperatorNotification {
  subject: string | null;
  body: string;
}

/** A change of a message's status after it left: the dispatcher's attempt or a provider's delivery report. */
export interface StatusChange {
  notificationId: string;
  status: 'sent' | 'delivered' | 'failed';
  /** Why it failed, for the operator and the merchant; never the body. */
  reason: string | null;
  at: Date;
}
