import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../db/index.ts';
import type { Clock } from '../lib/clock.ts';
import { purgeIdempotencyKeys } from '../http/plugins/idempotency.ts';

export interface JobDeps {
  db: Db;
  clock: Clock;
  log: FastifyBaseLogger;
}

/** Why hourly: keys are promised for 24 hours; purging sooner buys nothing. */
const IDEMPOTENCY_PURGE_INTERVAL_MS = 60 * 60 * 1000;

/** Background timers. Every job is idempotent, so running on several instances is safe. */
export function startJobs(deps: JobDeps): { stop(): void } {
  const timers = [
    setInterval(() => {
      deps.db.transaction((tx) => purgeIdempotencyKeys(tx, deps.clock.now()))
        .then((n) => n > 0 && deps.log.info({ purged: n }, 'purged expired idempotency keys'))
        .catch((err) => deps.log.error({ err }, 'idempotency purge failed'));
    }, IDEMPOTENCY_PURGE_INTERVAL_MS),
  ];
  for (const t of timers) t.unref();
  return { stop: () => timers.forEach(clearInterval) };
}
