import type { FastifyBaseLogger } from 'fastify';
import { isConnectionError, type Db } from '../db/index.ts';
import type { Clock } from '../lib/clock.ts';
import { purgeIdempotencyKeys } from '../http/plugins/idempotency.ts';
import { expireCards } from '../cards/index.ts';
import { runExpiries } from '../authorizations/index.ts';
import type { KeyProvider } from '../crypto/keys.ts';
import { startDispatcher } from '../webhooks/index.ts';
import { purgeExpiredNonces } from '../signatures/index.ts';
import { processDueTopups, sandboxProvider, TOPUP_JOB_INTERVAL_MS, type TopupProviders } from '../topups/index.ts';
import { NO_PROVIDERS, startNotificationDispatcher, type NotificationProviders } from '../notifications/index.ts';
import { settleSilentSms, settleSms } from '../sms/index.ts';
import { Leadership } from './leader.ts';

export { Leadership, JOBS_LEADER_LOCK_ID, LEADER_POLL_MS, LEADER_HEARTBEAT_MS } from './leader.ts';

export interface JobDeps {
  db: Db;
  clock: Clock;
  log: FastifyBaseLogger;
  /** Webhook delivery runs when the key provider is given (it opens endpoint secrets and signs). */
  keys?: KeyProvider;
  webhooksAllowPrivate?: boolean;
  /** Live notifications' adapters (createProviders); without them live messages wait in the queue, retried. Needs `keys`. */
  notifications?: NotificationProviders;
  /** Who delivers top-ups (topupProviders(config)); without it, sandbox top-ups only, and live ones wait. */
  topups?: TopupProviders;
}

/** Why 10 minutes: expired nonces only cost disk; the replay check ignores them anyway. */
const NONCE_PURGE_INTERVAL_MS = 10 * 60 * 1000;

/** Why hourly: keys are promised for 24 hours; purging sooner buys nothing. */
const IDEMPOTENCY_PURGE_INTERVAL_MS = 60 * 60 * 1000;

/** Why 15 s: reservations last 10 minutes; their money should come back within seconds of expiry. */
export const MONEY_EXPIRY_INTERVAL_MS = 15 * 1000;

/** Why 10 minutes: it charges messages that went 72 hours without a delivery report; minutes late change nothing. */
const SMS_SETTLE_INTERVAL_MS = 10 * 60 * 1000;

/** Why hourly: expiry is by month; an hour late is invisible, and the query is cheap. */
const CARD_EXPIRY_INTERVAL_MS = 60 * 60 * 1000;

/**
 * A timer that never overlaps its own passes. During a database outage each
 * pass fails once per interval without a log line of its own: the database
 * layer reports the outage once when it starts and once when it ends.
 */
function every(ms: number, name: string, deps: JobDeps, run: () => Promise<unknown>): () => void {
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    run()
      .catch((err) => {
        if (!isConnectionError(err)) deps.log.error({ err, job: name }, 'job failed');
      })
      .finally(() => {
        busy = false;
      });
  }, ms);
  timer.unref();
  return () => clearInterval(timer);
}

/** The jobs themselves; only the leader runs them. Each is idempotent, so a brief overlap at a hand-over is harmless. */
function runJobs(deps: JobDeps): () => void {
  const stops = [
    every(MONEY_EXPIRY_INTERVAL_MS, 'reservation-and-hold-expiry', deps, async () => {
      const n = await deps.db.transaction((tx) => runExpiries(tx, deps.clock.now()));
      if (n.reservations + n.authorizations > 0) deps.log.info({ expired: n, job: 'reservation-and-hold-expiry' }, 'reservations and holds expired');
    }),
    every(CARD_EXPIRY_INTERVAL_MS, 'card-expiry', deps, async () => {
      const n = await deps.db.transaction((tx) => expireCards(tx, deps.clock.now()));
      if (n > 0) deps.log.info({ expired: n, job: 'card-expiry' }, 'cards expired');
    }),
    every(IDEMPOTENCY_PURGE_INTERVAL_MS, 'idempotency-purge', deps, async () => {
      const n = await deps.db.transaction((tx) => purgeIdempotencyKeys(tx, deps.clock.now()));
      if (n > 0) deps.log.info({ purged: n, job: 'idempotency-purge' }, 'purged expired idempotency keys');
    }),
    every(NONCE_PURGE_INTERVAL_MS, 'signature-nonce-purge', deps, () => purgeExpiredNonces(deps.db, deps.clock.now())),
    every(SMS_SETTLE_INTERVAL_MS, 'sms-settle', deps, async () => {
      const n = await deps.db.transaction((tx) => settleSilentSms(tx, deps.clock.now()));
      if (n > 0) deps.log.info({ settled: n, job: 'sms-settle' }, 'SMS without a delivery report charged');
    }),
    every(TOPUP_JOB_INTERVAL_MS, 'topups', deps, async () => {
      const n = await processDueTopups({ db: deps.db, clock: deps.clock, providers: deps.topups ?? { sandbox: sandboxProvider, live: null } });
      if (n.succeeded + n.failed > 0) deps.log.info({ topups: n, job: 'topups' }, 'top-ups resolved');
    }),
  ];
  if (deps.keys) {
    const dispatcher = startDispatcher({ db: deps.db, clock: deps.clock, keys: deps.keys, allowPrivate: deps.webhooksAllowPrivate ?? false, log: deps.log });
    stops.push(() => dispatcher.stop());
    // A delivered or failed SMS takes or returns its price in the transaction that records the status.
    const notifier = startNotificationDispatcher({
      db: deps.db, clock: deps.clock, keys: deps.keys, providers: deps.notifications ?? NO_PROVIDERS, onStatus: settleSms, log: deps.log,
    });
    stops.push(() => notifier.stop());
  }
  return () => stops.forEach((stop) => stop());
}

export interface Jobs {
  /** Whether this process runs the jobs now. */
  readonly leader: boolean;
  /** Stop the jobs and hand leadership over. */
  stop(): Promise<void>;
}

/**
 * Background jobs under one leader (SPEC §12): every process campaigns for
 * the jobs lock; the one that holds it runs them, the others take over within
 * a few seconds when it dies.
 */
export function startJobs(deps: JobDeps): Jobs {
  let stopJobs: (() => void) | null = null;
  const leadership = new Leadership(deps.db, {
    elected() {
      deps.log.info({ jobs: 'leader' }, 'this process now runs the background jobs (jobs leader)');
      stopJobs = runJobs(deps);
    },
    deposed(reason) {
      stopJobs?.();
      stopJobs = null;
      deps.log.info({ jobs: 'follower', reason }, 'this process no longer runs the background jobs');
    },
  });
  leadership.start();
  return {
    get leader() {
      return leadership.leader;
    },
    stop: () => leadership.stop(),
  };
}
