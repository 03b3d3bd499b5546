import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../db/index.ts';
import type { Clock } from '../lib/clock.ts';
import { purgeIdempotencyKeys } from '../http/plugins/idempotency.ts';
import { expireCards } from '../cards/index.ts';
import { runExpiries } from '../authorizations/index.ts';
import type { KeyProvider } from '../crypto/keys.ts';
import { startDispatcher } from '../webhooks/index.ts';
import { purgeExpiredNonces } from '../signatures/index.ts';

export interface JobDeps {
  db: Db;
  clock: Clock;
  log: FastifyBaseLogger;
  /** Webhook delivery runs when the key provider is given (it opens endpoint secrets and signs). */
  keys?: KeyProvider;
  webhooksAllowPrivate?: boolean;
}

/** Why 10 minutes: expired nonces only cost disk; the replay check ignores them anyway. */
const NONCE_PURGE_INTERVAL_MS = 10 * 60 * 1000;

/** Why hourly: keys are promised for 24 hours; purging sooner buys nothing. */
const IDEMPOTENCY_PURGE_INTERVAL_MS = 60 * 60 * 1000;

/** Why 15 s: reservations last 10 minutes; their money should come back within seconds of expiry. */
const MONEY_EXPIRY_INTERVAL_MS = 15 * 1000;

/** Why hourly: expiry is by month; an hour late is invisible, and the query is cheap. */
const CARD_EXPIRY_INTERVAL_MS = 60 * 60 * 1000;

function every(ms: number, name: string, deps: JobDeps, run: () => Promise<unknown>): NodeJS.Timeout {
  return setInterval(() => {
    run().catch((err) => deps.log.error({ err, job: name }, 'job failed'));
  }, ms);
}

/** Background timers. Every job is idempotent (and card expiry skips locked rows), so several instances are safe. */
export function startJobs(deps: JobDeps): { stop(): void } {
  const timers = [
    every(MONEY_EXPIRY_INTERVAL_MS, 'reservation-and-hold-expiry', deps, async () => {
      const n = await deps.db.transaction((tx) => runExpiries(tx, deps.clock.now()));
      if (n.reservations + n.authorizations > 0) deps.log.info({ expired: n }, 'reservations and holds expired');
    }),
    every(CARD_EXPIRY_INTERVAL_MS, 'card-expiry', deps, async () => {
      const n = await deps.db.transaction((tx) => expireCards(tx, deps.clock.now()));
      if (n > 0) deps.log.info({ expired: n }, 'cards expired');
    }),
    every(IDEMPOTENCY_PURGE_INTERVAL_MS, 'idempotency-purge', deps, async () => {
      const n = await deps.db.transaction((tx) => purgeIdempotencyKeys(tx, deps.clock.now()));
      if (n > 0) deps.log.info({ purged: n }, 'purged expired idempotency keys');
    }),
  ];
  timers.push(every(NONCE_PURGE_INTERVAL_MS, 'signature-nonce-purge', deps, () => purgeExpiredNonces(deps.db, deps.clock.now())));
  for (const t of timers) t.unref();
  const dispatcher = deps.keys
    ? startDispatcher({ db: deps.db, clock: deps.clock, keys: deps.keys, allowPrivate: deps.webhooksAllowPrivate ?? false, log: deps.log })
    : null;
  return {
    stop: () => {
      timers.forEach(clearInterval);
      dispatcher?.stop();
    },
  };
}
