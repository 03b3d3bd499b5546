/**
 * The channel's provider adapters (issue 14 §3). Sandbox messages never reach
 * one: they stay in the outbox. A live message goes to the adapter of its
 * channel, chosen by configuration; with none configured it waits in the
 * queue, retried with backoff, and the operator sees why.
 */

export interface OutgoingSms {
  /** E.164. */
  to: string;
  body: string;
}

export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
}

/**
 * What one attempt came to. `sent`: the provider took the message (for SMS,
 * delivery reports follow); `retry`: a transient failure (network, timeout,
 * 429, 5xx, credentials the operator must fix); `rejected`: the provider
 * refused this message for good (an invalid or unreachable number). Errors
 * are for the operator: they never contain the message body.
 */
export type SendOutcome =
  | { result: 'sent'; providerMessageId: string | null }
  | { result: 'retry'; error: string; retryAfterMs?: number | null }
  | { result: 'rejected'; error: string };

export interface SmsProvider {
  /** Stored with each message it took, so that its delivery reports find the message again. */
  readonly name: string;
  send(message: OutgoingSms): Promise<SendOutcome>;
}

export interface EmailProvider {
  readonly name: string;
  send(message: OutgoingEmail): Promise<SendOutcome>;
}

export interface NotificationProviders {
  sms: SmsProvider | null;
  email: EmailProvider | null;
}

export const NO_PROVIDERS: NotificationProviders = Object.freeze({ sms: null, email: null });

/** Error text for the operator: one line, bounded (the column holds 500). */
export function errorText(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 300);
}
