import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../db/index.ts';
import type { Clock } from '../lib/clock.ts';
import { purgeIdempotencyKeys } from '../http/plugins/idempotency.ts';
import { expireCards } from '../cards/index.ts';

export interface JobDeps {
  db: Db;
  clock: Clock;
  log: FastifyBaseLogger;
}

/** Why hourly: keys are promised for 24 hours; purging sooner buys nothing. */
const IDEMPOTENCY_PURGE_INTERVAL_MS = 60 * 60 * 1000;

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
    every(CARD_EXPIRY_INTERVAL_MS, 'card-expiry', deps, async () => {
      const n = await deps.db.transaction((tx) => expireCards(tx, deps.clock.now()));
      if (n > 0) deps.log.info({ expired: n }, 'cards expired');
    }),
    setInterval(() => {
      deps.db.transaction((tx) => purgeIdempotencyKeys(tx, deps.clock.now()))
        .then((n) => n > 0 && deps.log.info({ purged: n }, 'purged expired idempotency keys'))
        .catch((err) => deps.log.error({ err }, 'idempotency purge failed'));
    }, IDEMPOTENCY_PURGE_INTERVAL_MS),
  ];
  for (const t of timers) t.unref();
  return { stop: () => timers.forEach(clearInterval) };
}
