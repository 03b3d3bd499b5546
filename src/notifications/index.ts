import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { Queryable, Tx } from '../db/index.ts';
import type { KeyProvider } from '../crypto/index.ts';
import { assert } from '../lib/assert.ts';
import { newId } from '../lib/ids.ts';
import type { Mode } from '../merchants/index.ts';
import * as store from './store.ts';
import { openBody, sealBody } from './body.ts';
import type { DeliveryStatus, Notification, NotificationChannel, OperatorNotification, StatusChange } from './types.ts';

export * from './types.ts';
export {
  errorText, NO_PROVIDERS, type EmailProvider, type NotificationProviders, type OutgoingEmail, type OutgoingSms, type SendOutcome,
  type SmsProvider,
} from './providers.ts';
export { createProviders, type ProviderSettings } from './configure.ts';
export {
  TWILIO_STATUS_CALLBACK_PATH, TwilioSmsProvider, twilioReportStatus, twilioSignature, verifyTwilioSignature, type TwilioOptions,
} from './twilio.ts';
export { SmtpEmailProvider, type SmtpOptions } from './smtp.ts';
export {
  dispatchNotificationsOnce, startNotificationDispatcher, nextNotificationDelayMs, NOTIFICATION_RETRY_SCHEDULE_MS,
  NOTIFICATION_ATTEMPTS_MAX, type NotificationDispatchDeps, type StatusHook,
} from './dispatcher.ts';

/**
 * The notification channel (SPEC §9). Sandbox messages are stored for the
 * API and dashboard to show (the sandbox "SMS outbox"); live messages are
 * queued for a provider adapter (dispatcher.ts). Bodies are sealed: they may
 * hold one-time codes.
 */
export interface NotificationInput {
  merchantId: string;
  mode: Mode;
  customerId: string | null;
  channel: NotificationChannel;
  recipient: string;
  kind: 'card.activation_code' | 'kyc.result' | 'sms';
  /** E-mail only. */
  subject?: string;
  body: string;
  at: Date;
}

export async function sendNotification(tx: Tx, keys: KeyProvider, n: NotificationInput): Promise<string> {
  assert(n.channel === 'email' || n.subject === undefined, 'only an e-mail has a subject');
  const id = newId('notification');
  await store.insertNotification(tx, {
    id, merchantId: n.merchantId, mode: n.mode, customerId: n.customerId, channel: n.channel, recipient: n.recipient, kind: n.kind,
    subject: n.subject ?? null, bodySealed: await sealBody(keys, id, n.body),
    status: n.mode === 'sandbox' ? 'stored' : 'queued', at: n.at,
  });
  return id;
}

/** Newest first; the sandbox outbox view. */
export async function listNotifications(
  q: Queryable, keys: KeyProvider, owner: { merchantId: string; mode: Mode }, customerId: string | null, limit: number, before: string | null,
): Promise<Notification[]> {
  const rows = await store.selectForOwner(q, owner, customerId, limit, before);
  return Promise.all(rows.map(async (r) => store.withBody(r, await openBody(keys, r.id, r.body_sealed))));
}

/** The operator's view of every send (failed ones to act on, queued ones with their next attempt), without bodies. */
export async function listNotificationsForOperator(
  q: Queryable, filter: { status: DeliveryStatus | null; channel: NotificationChannel | null }, limit: number, before: string | null,
): Promise<OperatorNotification[]> {
  return (await store.selectForOperator(q, filter, limit, before)).map(store.toOperatorView);
}

/** A sandbox message the sandbox channel fails on purpose (a documented test number): the outbox shows it failed. */
export async function failStoredNotification(tx: Tx, id: string, reason: string, at: Date): Promise<void> {
  await store.updateStatus(tx, id, 'failed', reason, at);
}

const RANK: Record<DeliveryStatus, number> = { stored: 2, queued: 0, sent: 1, delivered: 2, failed: 2 };

/**
 * A provider's delivery report for a message it took. Statuses only move
 * forward (queued → sent → delivered | failed): reports can arrive out of
 * order, and a late `sent` after `delivered` says nothing new. Answers the
 * change to act on (null when nothing changed), or undefined when no message
 * has that provider id.
 */
export async function applyDeliveryReport(
  tx: Tx, provider: string, providerMessageId: string, status: 'sent' | 'delivered' | 'failed', reason: string | null, at: Date,
): Promise<StatusChange | null | undefined> {
  const row = await store.selectByProviderMessage(tx, provider, providerMessageId);
  if (!row) return undefined;
  if (RANK[status] <= RANK[row.status]) return null;
  await store.updateStatus(tx, row.id, status, reason, at);
  return { notificationId: row.id, status, reason, at };
}

/**
 * A customer's phone number in E.164, as SMS providers want it. Customers are
 * validated when created, so the number parses; the national number may be
 * written with a trunk prefix (`0612345678` in France) that E.164 drops.
 */
export function customerPhone(customer: { phonePrefix: string; phoneNumber: string; phoneCountry: string }): string {
  const parsed = parsePhoneNumberFromString(customer.phoneNumber, customer.phoneCountry as never);
  return parsed?.number ?? `+${customer.phonePrefix}${customer.phoneNumber}`;
}
