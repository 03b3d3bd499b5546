import { setTimeout as sleep } from 'node:timers/promises';
import { ADVISORY_LOCKS, type Db } from '../db/index.ts';

/** The session advisory lock that names the jobs' leader among the processes sharing a database. */
export const JOBS_LEADER_LOCK_ID = ADVISORY_LOCKS.jobsLeader;
/**
 * Why 2 s: a follower asks for the lock this often, so a dead leader's jobs
 * move within a few seconds (the promise is 10); each ask is one cheap query.
 */
export const LEADER_POLL_MS = 2_000;
/**
 * Why 2 s: the leader checks its lock connection this often. The lock dies
 * with the connection, so a leader whose connection dropped must stop within
 * about the time a follower takes to step in.
 */
export const LEADER_HEARTBEAT_MS = 2_000;

export interface LeadershipEvents {
  elected(): void;
  deposed(reason: string): void;
}

/**
 * One leader for the background jobs (SPEC §12): the process that holds a
 * session-level PostgreSQL advisory lock on a connection of its own. The lock
 * goes with the connection, so when the leader dies (or its connection does)
 * the server frees it and a follower takes it at its next poll. The embedded
 * database is one process by construction (the data-directory lock), so it
 * always leads.
 *
 * Between a leader's connection dropping and its next heartbeat both old and
 * new leader may run a pass; every job is idempotent (expiry re-checks under
 * row locks, delivery claims with leases), so the overlap costs only work.
 */
export class Leadership {
  #leader = false;
  #stop = new AbortController();
  #loop: Promise<void> | null = null;

  constructor(private readonly db: Db, private readonly events: LeadershipEvents,
    private readonly timing = { pollMs: LEADER_POLL_MS, heartbeatMs: LEADER_HEARTBEAT_MS }) {}

  get leader(): boolean {
    return this.#leader;
  }

  start(): void {
    if (this.#loop) return;
    if (this.db.kind === 'pglite') {
      this.#elect();
      this.#loop = Promise.resolve();
      return;
    }
    this.#loop = this.#campaign();
  }

  /** Stop leading (the jobs stop first) and give the lock back so that another process takes over at once. */
  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#loop;
    this.#depose('stopping');
  }

  async #campaign(): Promise<void> {
    const signal = this.#stop.signal;
    while (!signal.aborted) {
      try {
        await this.db.withClient(async (client) => {
          const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS ok', [JOBS_LEADER_LOCK_ID]);
          if (!rows[0]?.ok) return;
          this.#elect();
          // The connection's own error event (a terminated backend, a server crash) ends the wait at once, so the
          // leader steps down when its lock goes, not at its next heartbeat.
          let lost = false;
          const onLost = () => {
            lost = true;
          };
          const connectionLost = new Promise<void>((resolve) => client.once('error', () => {
            onLost();
            resolve();
          }));
          try {
            while (!signal.aborted) {
              await Promise.race([sleep(this.timing.heartbeatMs, undefined, { signal }).catch(() => {}), connectionLost]);
              if (!signal.aborted || lost) await client.query('SELECT 1');
            }
          } finally {
            // On stop, the jobs halt before the lock goes (the caller awaits their passes); on a dropped connection
            // the lock is already gone with it.
            this.#depose(signal.aborted ? 'stopping' : 'lost the database connection');
            if (signal.aborted) await client.query('SELECT pg_advisory_unlock($1::bigint)', [JOBS_LEADER_LOCK_ID]).catch(() => {});
          }
        });
      } catch {
        // An outage: the database layer reports it once; keep asking.
      }
      await sleep(this.timing.pollMs, undefined, { signal }).catch(() => {});
    }
  }

  #elect(): void {
    if (this.#leader) return;
    this.#leader = true;
    this.events.elected();
  }

  #depose(reason: string): void {
    if (!this.#leader) return;
    this.#leader = false;
    this.events.deposed(reason);
  }
}
