import { startPassLoop, type Db, type Tx } from '../db/index.ts';
import type { KeyProvider } from '../crypto/index.ts';
import type { Clock } from '../lib/clock.ts';
import * as store from './store.ts';
import { openBody } from './body.ts';
import { errorText, type NotificationProviders, type SendOutcome } from './providers.ts';
import type { StatusChange } from './types.ts';

/**
 * Live messages leave here: a pass claims what is due under a lease, sends
 * each through its channel's provider outside any transaction, and records
 * the outcome. A transient failure is retried on the schedule below; a
 * refusal, or the last failed attempt, ends the message `failed`. Every
 * attempt's error is kept for the operator (GET /admin/v1/notifications).
 * Sending is at least once: a timeout after the provider took a message
 * sends it again on the next attempt.
 */

/**
 * Delay before each attempt after a failure (the first is immediate): an
 * activation code is worth sending for a few hours, so 8 attempts over about
 * 8 hours, quick at first for a provider's brief hiccup.
 */
export const NOTIFICATION_RETRY_SCHEDULE_MS = [0, 30_000, 2 * 60_000, 10 * 60_000, 30 * 60_000, 3_600_000, 2 * 3_600_000, 4 * 3_600_000] as const;
export const NOTIFICATION_ATTEMPTS_MAX = NOTIFICATION_RETRY_SCHEDULE_MS.length;
/** Why 10%: spreads the retries of a burst that failed together, never earlier than the schedule. */
const JITTER_FRACTION = 0.1;
/** Messages claimed per pass, sent concurrently: a provider's per-account concurrency is about this. */
export const NOTIFICATION_CLAIM_BATCH = 16;
/** The lease covers one send's timeouts (SMTP's are the longest, 15 s per step) with room to spare. */
const LEASE_MS = 60_000;
/** Why 1 s: an activation code should leave within about a second; a pass with nothing due is one cheap query. */
export const NOTIFICATION_DISPATCH_INTERVAL_MS = 1_000;

/** After `attemptsMade` failed attempts: the delay before the next one, or null when they are used up. */
export function nextNotificationDelayMs(attemptsMade: number, random: () => number): number | null {
  if (attemptsMade >= NOTIFICATION_ATTEMPTS_MAX) return null;
  return Math.round(NOTIFICATION_RETRY_SCHEDULE_MS[attemptsMade]! * (1 + JITTER_FRACTION * random()));
}

/** Called in the transaction that records a message's new status, so that what hangs on it (an SMS's money) moves with it. */
export type StatusHook = (tx: Tx, change: StatusChange) => Promise<void>;

export interface NotificationDispatchDeps {
  db: Db;
  clock: Clock;
  keys: KeyProvider;
  providers: NotificationProviders;
  onStatus?: StatusHook;
  /** For the retry jitter; tests pass () => 0. */
  random?: () => number;
  log?: { error(obj: object, msg: string): void };
}

export interface NotificationDispatchResult {
  attempted: number;
  sent: number;
  retried: number;
  failed: number;
}

export async function dispatchNotificationsOnce(deps: NotificationDispatchDeps): Promise<NotificationDispatchResult> {
  const now = deps.clock.now();
  const claimed = await deps.db.transaction((tx) => store.claimDue(tx, now, new Date(now.getTime() + LEASE_MS), NOTIFICATION_CLAIM_BATCH));
  const results = await Promise.all(claimed.map((row) => deliver(deps, row)));
  return {
    attempted: results.length, sent: results.filter((r) => r === 'sent').length,
    retried: results.filter((r) => r === 'queued').length, failed: results.filter((r) => r === 'failed').length,
  };
}

async function attempt(deps: NotificationDispatchDeps, row: store.NotificationRow): Promise<{ provider: string | null; outcome: SendOutcome }> {
  const body = await openBody(deps.keys, row.id, row.body_sealed);
  if (row.channel === 'sms') {
    const sms = deps.providers.sms;
    if (!sms) return { provider: null, outcome: { result: 'retry', error: 'no SMS provider is configured (TESSERA_SMS_PROVIDER)' } };
    return { provider: sms.name, outcome: await sms.send({ to: row.recipient, body }) };
  }
  const email = deps.providers.email;
  if (!email) return { provider: null, outcome: { result: 'retry', error: 'no e-mail provider is configured (TESSERA_EMAIL_PROVIDER)' } };
  return { provider: email.name, outcome: await email.send({ to: row.recipient, subject: row.subject ?? 'Notification', text: body }) };
}

async function deliver(deps: NotificationDispatchDeps, row: store.NotificationRow): Promise<'sent' | 'queued' | 'failed'> {
  let sent: { provider: string | null; outcome: SendOutcome };
  try {
    sent = await attempt(deps, row);
  } catch (err) {
    // An adapter bug, not a provider's answer: logged without the message, and retried like any failure.
    deps.log?.error({ err, notification: row.id }, 'notification send failed unexpectedly');
    sent = { provider: null, outcome: { result: 'retry', error: 'error: the send failed unexpectedly' } };
  }
  const { provider, outcome } = sent;
  const at = deps.clock.now();
  const attempts = row.attempts + 1;
  let status: 'sent' | 'queued' | 'failed';
  let next: Date | null = null;
  let error: string | null = null;
  if (outcome.result === 'sent') {
    status = 'sent';
  } else if (outcome.result === 'rejected') {
    status = 'failed';
    error = errorText(outcome.error);
  } else {
    error = errorText(outcome.error);
    const delay = nextNotificationDelayMs(attempts, deps.random ?? Math.random);
    status = delay === null ? 'failed' : 'queued';
    if (delay !== null) next = new Date(at.getTime() + Math.max(delay, outcome.retryAfterMs ?? 0));
  }
  await deps.db.transaction(async (tx) => {
    const recorded = await store.recordAttempt(tx, row.id, {
      status, attempts, nextAttemptAt: next, error, provider, providerMessageId: outcome.result === 'sent' ? outcome.providerMessageId : null, at,
    });
    if (recorded && status !== 'queued') await deps.onStatus?.(tx, { notificationId: row.id, status, reason: error, at });
  });
  return status;
}

/** The job: a pass loop (db/passes.ts) that goes again at once while a pass claims a full batch. */
export function startNotificationDispatcher(deps: NotificationDispatchDeps, intervalMs = NOTIFICATION_DISPATCH_INTERVAL_MS): { stop(): void } {
  return startPassLoop({
    job: 'notification-dispatch', intervalMs, log: deps.log,
    pass: async () => (await dispatchNotificationsOnce(deps)).attempted >= NOTIFICATION_CLAIM_BATCH,
  });
}
