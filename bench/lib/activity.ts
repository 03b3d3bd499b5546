import pg from 'pg';

/**
 * Where the database's side of the time goes during a run: pg_stat_activity
 * of the server's database, sampled every few milliseconds. Each sample says
 * whether an authorization batch transaction is open and what it is doing
 * (running a statement, waiting on a lock, on the WAL, or idle in transaction
 * while Node works between statements), and how many per-request lookups
 * (API key, signature policy) are running beside it.
 */

/** Why 10 ms: batches take tens of milliseconds; finer sampling would load the server we measure. */
export const ACTIVITY_SAMPLE_MS = 10;

/** Statements of the authorization batch (src/authorizations/engine.ts: the locks sent with BEGIN, the read, the write with the ledger call), by their first words. */
const BATCH = [
  /^BEGIN; SELECT (pg_advisory_xact_lock|1 FROM customers)/, /^SELECT \(SELECT COALESCE\(json_agg\(json_build_object\('id', id, 'merchant_id'/,
  /^WITH w0 AS \(INSERT INTO authorizations/, /^SELECT ledger_create_transfers/,
];
/** Per-request statements: the API key lookup and the request-signature policy. */
const LOOKUP = [/^SELECT k\.\*, m\.live_access/, /^SELECT k\.id, k\.public_key/];

export interface ActivityReport {
  samples: number;
  /** Fractions of samples: a batch statement on CPU, waiting for a lock, waiting on I/O (WAL flush at COMMIT), idle in transaction, no batch open. */
  batchCpu: number;
  batchLock: number;
  batchIo: number;
  batchIdleInTx: number;
  batchOther: number;
  noBatch: number;
  /** Mean number of per-request lookups running at a sample. */
  lookups: number;
  /** Mean number of other statements (webhook fan-out, jobs) running at a sample. */
  others: number;
  /**
   * The oldest snapshot any session on the server held during the run, in seconds (any database: a shared
   * server's long transaction keeps dead row versions of the hot ledger accounts from being pruned).
   */
  oldestSnapshotS: number;
}

type Row = {
  datname: string | null; state: string | null; wait_event_type: string | null; wait_event: string | null; query: string; xact: boolean;
  /** Seconds since this session's snapshot (backend_xmin) was taken, when it holds one: it keeps VACUUM from pruning dead rows in every database. */
  xmin_age: number | null;
};

export function sampleActivity(url: string, database: string): { stop(): Promise<ActivityReport | null> } {
  const client = new pg.Client({ connectionString: url, application_name: 'tessera-bench-sampler' });
  let running = true;
  const counts = { samples: 0, batchCpu: 0, batchLock: 0, batchIo: 0, batchIdleInTx: 0, batchOther: 0, noBatch: 0, lookups: 0, others: 0, oldestSnapshot: 0 };
  let failed: unknown = null;
  const loop = (async () => {
    await client.connect();
    while (running) {
      const { rows } = await client.query<Row>(
        `SELECT datname, state, wait_event_type, wait_event, ltrim(query) AS query, xact_start IS NOT NULL AS xact,
           CASE WHEN backend_xmin IS NOT NULL THEN extract(epoch FROM now() - coalesce(xact_start, query_start))::float8 END AS xmin_age
         FROM pg_stat_activity
         WHERE pid <> pg_backend_pid() AND (backend_xmin IS NOT NULL OR (datname = $1 AND backend_type = 'client backend' AND state <> 'idle'))`, [database]);
      counts.samples++;
      let batch: Row | null = null;
      const oldest = Math.max(0, ...rows.map((r) => r.xmin_age ?? 0));
      counts.oldestSnapshot = Math.max(counts.oldestSnapshot, oldest);
      for (const r of rows.filter((x) => x.datname === database && x.state !== 'idle' && x.state !== null)) {
        const q = r.query.replace(/\s+/g, ' ');
        const inBatch = BATCH.some((re) => re.test(q)) || (q === 'BEGIN' && r.state === 'idle in transaction') || (q === 'COMMIT' && r.xact);
        if (inBatch) batch ??= r;
        else if (LOOKUP.some((re) => re.test(q))) counts.lookups++;
        else counts.others++;
      }
      if (batch === null) counts.noBatch++;
      else if (batch.state === 'idle in transaction') counts.batchIdleInTx++;
      else if (batch.wait_event_type === null) counts.batchCpu++;
      else if (batch.wait_event_type === 'Lock') counts.batchLock++;
      else if (batch.wait_event_type === 'IO' || batch.wait_event_type === 'LWLock' && /WAL/.test(batch.wait_event ?? '')) counts.batchIo++;
      else counts.batchOther++;
      await new Promise((r) => setTimeout(r, ACTIVITY_SAMPLE_MS));
    }
  })().catch((err: unknown) => {
    // A diagnostic only: the run goes on without it.
    failed = err;
  });
  return {
    async stop() {
      running = false;
      await loop;
      await client.end().catch(() => {});
      if (failed !== null) {
        process.stderr.write(`bench: activity sampling failed: ${failed instanceof Error ? failed.message : String(failed)}\n`);
        return null;
      }
      const n = counts.samples || 1;
      return {
        samples: counts.samples, batchCpu: counts.batchCpu / n, batchLock: counts.batchLock / n, batchIo: counts.batchIo / n,
        batchIdleInTx: counts.batchIdleInTx / n, batchOther: counts.batchOther / n, noBatch: counts.noBatch / n,
        lookups: counts.lookups / n, others: counts.others / n, oldestSnapshotS: counts.oldestSnapshot,
      };
    },
  };
}
