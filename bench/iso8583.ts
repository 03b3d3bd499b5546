/**
 * `npm run bench:iso8583` (DATABASE_URL=postgres://…): authorizations per
 * second over the ISO 8583 link (issue 15), beside the database's own ceiling
 * R measured in the same run (pgbench, bench/pgbench-authorization.sql: what
 * one authorization does, one transaction per request).
 *
 * 1. The real server process on its own fresh database, with the link on
 *    (TESSERA_ISO8583_PORT, sandbox mode), 127.0.0.1 only, under a master key
 *    the bench chose; N funded cards made through the API, their numbers
 *    read from the database and opened with that key (the API's reveal is
 *    limited to 30 a minute).
 * 2. At each level (16 and 64 connections): R with pgbench at that many
 *    clients, then Tessera: that many TCP connections, each sending 0100s one
 *    after another (a new STAN each, spread over the cards) for the run's
 *    time; p50/p99 from every answer's round trip. Where the machine's CPU
 *    went is printed for every run (bench/lib/cpu.ts).
 * 3. After the runs: verifyLedger, and Σ approved holds as the answers said
 *    = as the authorizations table has them = as the ledger holds them.
 * The issue's target (≥ 2× R at 64 connections) is printed as met or not met,
 * never asserted. Bounded in time (watchdog); drops what it created.
 * Knobs: BENCH_SECONDS (per run, default 8), BENCH_CONNECTIONS (default
 * 16,64), BENCH_CARDS (default 200).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { openPostgres } from '../src/db/index.ts';
import { SoftwareKeyProvider } from '../src/crypto/index.ts';
import { verifyLedger } from '../src/ledger/index.ts';
import { FrameReader, decode, encode, frame, type Message } from '../src/network/codec.ts';
import { startServer } from './lib/proc.ts';
import { cpuSnapshot, cpuSplit, postmasterOf, type CpuSplit } from './lib/cpu.ts';
import { libpqEnv, pgbench, run, type PgbenchRun } from './lib/pgbench.ts';
import { fmt, quantile, table } from './lib/stats.ts';
import { adminQuery, cleanup, cleanupOnExit, createDatabase, onCleanup } from './lib/setup.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function intEnv(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n < min || n > max) throw new Error(`${name} must be an integer from ${min} to ${max}`);
  return n;
}

/** Why 8 s: a stable rate at each level, and four runs stay within a couple of minutes. */
const RUN_SECONDS = intEnv('BENCH_SECONDS', 8, 1, 60);
/** Why 200: enough cards that 64 connections rarely queue on one card's row lock. */
const CARDS = intEnv('BENCH_CARDS', 200, 1, 2000);
const CONNECTIONS = (process.env.BENCH_CONNECTIONS ?? '16,64').split(',').map((s) => {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1 || n > 512) throw new Error('BENCH_CONNECTIONS must be integers from 1 to 512, comma-separated');
  return n;
});
/** The issue's target: at this many connections, Tessera over the link ≥ this × R. */
const TARGET_CONNECTIONS = 64;
const TARGET_RATIO = 2;
/** Why 3 s: JIT, pools and the link's card cache warm up before anything is measured. */
const WARMUP_SECONDS = 3;
/** Why 1e9: far more than any card spends in all runs (≤ 2,120 a request), so funds never decide. */
const FUND_PER_CARD = 1_000_000_000;
const AMOUNT_MIN = 100;
const AMOUNT_MAX = 2000;
const SETUP_CONCURRENCY = 8;
const PGBENCH_THREADS = 2;
/** Connections pgbench leaves free for everyone else on the server. */
const CONNECTION_MARGIN = 4;
/** Why 10 s: an answer slower than that is lost, not slow; the run goes on and counts it. */
const ANSWER_TIMEOUT_MS = 10_000;
/** Why 10 min beyond the timed runs: setup and checks take a minute or two; past this something hangs. */
const WATCHDOG_MS = (10 * 60 + 2 * (CONNECTIONS.length * 2 * RUN_SECONDS + WARMUP_SECONDS)) * 1000;
const ACQUIRER_ID = '4150123';

const log = (msg: string) => process.stdout.write(`${msg}\n`);

// ---------- cleanup, also on failure and on signals ----------

cleanupOnExit({ onCrash: false });

// ---------- setup through the API ----------

async function api<T = Record<string, unknown>>(base: string, token: string, method: string, url: string, body?: unknown): Promise<T> {
  const res = await fetch(`${base}${url}`, {
    method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status !== 200 && res.status !== 201) throw new Error(`${method} ${url}: ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

interface BenchCard { pan: string; expiry: string }

async function setupCards(base: string, adminToken: string, benchUrl: string, master: Buffer): Promise<{ merchantId: string; cards: BenchCard[] }> {
  const merchant = await api<{ id: string; sandbox_api_key: string }>(base, adminToken, 'POST', '/admin/v1/merchants', { name: 'ISO 8583 bench' });
  const key = merchant.sandbox_api_key;
  await api(base, key, 'POST', '/v1/simulate/wallet_deposits', { currency: 'USD', amount: CARDS * FUND_PER_CARD });
  const ids: string[] = new Array(CARDS);
  let next = 0;
  await Promise.all(Array.from({ length: SETUP_CONCURRENCY }, async () => {
    while (next < CARDS) {
      const i = next++;
      const customer = await api(base, key, 'POST', '/v1/customers', {
        first_name: 'Bench', last_name: 'Holder', email: `iso.${i}@example.com`, phone_prefix: '33', phone_number: '612345678', phone_country: 'FR',
        date_of_birth: '1990-04-25', address: { line1: '12 Rue de la Paix', city: 'Paris', state: 'IDF', postal_code: '75002', country: 'FR' },
      });
      const account = await api(base, key, 'POST', `/v1/customers/${String(customer.id)}/accounts`, { currency: 'USD' });
      const card = await api(base, key, 'POST', `/v1/accounts/${String(account.id)}/cards`, { type: 'virtual' });
      await api(base, key, 'POST', `/v1/cards/${String(card.id)}/fund`, { amount: FUND_PER_CARD });
      ids[i] = String(card.id);
    }
  }));
  const keys = new SoftwareKeyProvider(master);
  const rows = await adminQuery<{ id: string; pan_sealed: Buffer; exp_month: number; exp_year: number }>(benchUrl,
    'SELECT id, pan_sealed, exp_month, exp_year FROM cards WHERE id = ANY($1::text[])', [ids]);
  const cards = await Promise.all(rows.map(async (r) => ({
    pan: await keys.decryptPan(r.pan_sealed, r.id), expiry: `${String(r.exp_year % 100).padStart(2, '0')}${String(r.exp_month).padStart(2, '0')}`,
  })));
  return { merchantId: merchant.id, cards };
}

// ---------- the load: closed-loop 0100s over TCP ----------

interface Tally {
  answered: number;
  lost: number;
  codes: Map<string, number>;
  /** Σ amount + fee of approvals, as the answers imply (fee: 1.00 + 1 %, half up). */
  held: bigint;
  latencies: number[];
}

const newTally = (): Tally => ({ answered: 0, lost: 0, codes: new Map(), held: 0n, latencies: [] });
const feeOf = (amount: number) => 100 + Math.floor((amount + 50) / 100);
const de7 = (at = new Date()) => at.toISOString().replace(/[-:T]/g, '').slice(4, 14);

/** One connection sending one 0100 at a time until the deadline; its terminal id keeps its keys apart from the others'. */
async function connection(port: number, index: number, cards: readonly BenchCard[], deadline: number, tally: Tally, run: number): Promise<void> {
  const socket = net.connect(port, '127.0.0.1');
  socket.setNoDelay(true);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const reader = new FrameReader();
  let waiting: ((m: Message | null) => void) | null = null;
  socket.on('data', (chunk: Buffer) => {
    for (const e of reader.push(chunk)) {
      if (e.kind !== 'frame') continue;
      const d = decode(e.message);
      waiting?.(d.ok ? d.message : null);
    }
  });
  socket.on('error', () => waiting?.(null));
  const terminal = `B${String(run).padStart(2, '0')}${String(index).padStart(5, '0')}`;
  let stan = 0;
  let card = index;
  try {
    while (Date.now() < deadline) {
      const c = cards[card++ % cards.length]!;
      const amount = AMOUNT_MIN + Math.floor(Math.random() * (AMOUNT_MAX - AMOUNT_MIN + 1));
      const t = de7();
      stan = (stan % 999_999) + 1;
      const fields = new Map<number, string>([
        [2, c.pan], [3, '000000'], [4, String(amount).padStart(12, '0')], [7, t], [11, String(stan).padStart(6, '0')], [12, t.slice(4)],
        [13, t.slice(0, 4)], [14, c.expiry], [18, '5411'], [22, '051'], [32, ACQUIRER_ID], [37, `${terminal.slice(1)}${String(stan).padStart(6, '0')}`.slice(-12)],
        [41, terminal], [43, 'BENCH SHOP'.padEnd(25) + 'PARIS'.padEnd(13) + 'FR'], [49, '840'],
      ]);
      const started = performance.now();
      const answer = await new Promise<Message | null>((resolve) => {
        const timer = setTimeout(() => resolve(null), ANSWER_TIMEOUT_MS);
        waiting = (m) => {
          clearTimeout(timer);
          waiting = null;
          resolve(m);
        };
        socket.write(frame(encode({ mti: '0100', fields })));
      });
      if (answer === null) {
        tally.lost++;
        continue;
      }
      tally.latencies.push(performance.now() - started);
      tally.answered++;
      const code = answer.fields.get(39) ?? '??';
      tally.codes.set(code, (tally.codes.get(code) ?? 0) + 1);
      if (code === '00') tally.held += BigInt(amount + feeOf(amount));
    }
  } finally {
    socket.destroy();
  }
}

interface LinkRun {
  connections: number;
  rate: number;
  p50: number;
  p99: number;
  tally: Tally;
  cpu: CpuSplit | null;
}

async function measureLink(port: number, cards: readonly BenchCard[], connections: number, seconds: number, pids: Pids, runNo: number, all: Tally): Promise<LinkRun> {
  const tally = newTally();
  const cpu0 = cpuSnapshot(pids.server, pids.postmaster);
  const started = Date.now();
  const deadline = started + seconds * 1000;
  await Promise.all(Array.from({ length: connections }, (_, i) => connection(port, i, cards, deadline, tally, runNo)));
  const elapsed = (Date.now() - started) / 1000;
  const cpu = cpuSplit(cpu0, cpuSnapshot(pids.server, pids.postmaster));
  const sorted = Float64Array.from(tally.latencies).sort();
  all.held += tally.held;
  all.codes.set('00', (all.codes.get('00') ?? 0) + (tally.codes.get('00') ?? 0));
  all.lost += tally.lost;
  return { connections, rate: (tally.codes.get('00') ?? 0) / elapsed, p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), tally, cpu };
}

// ---------- R ----------

interface Pids {
  server: number | null;
  postmaster: number | null;
}

async function freeConnections(serverUrl: string): Promise<number> {
  const [row] = await adminQuery<{ free: number }>(serverUrl, `SELECT current_setting('max_connections')::int - current_setting('superuser_reserved_connections')::int
    - (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend')::int AS free`);
  return row!.free - CONNECTION_MARGIN;
}

async function measureR(serverUrl: string, pgbUrl: string, logDir: string, pids: Pids, c: number): Promise<PgbenchRun & { cpu: CpuSplit | null }> {
  const free = await freeConnections(serverUrl);
  const clients = Math.max(PGBENCH_THREADS, Math.min(c, free - (free % PGBENCH_THREADS)));
  const cpu0 = cpuSnapshot(pids.server, pids.postmaster);
  const r = await pgbench({
    url: pgbUrl, script: path.join(ROOT, 'bench/pgbench-authorization.sql'), clients, threads: Math.min(PGBENCH_THREADS, clients),
    seconds: RUN_SECONDS, defines: { accounts: CARDS }, logDir,
  });
  return { ...r, cpu: cpuSplit(cpu0, cpuSnapshot(pids.server, pids.postmaster)) };
}

function describeCpu(cpu: CpuSplit | null): string {
  if (cpu === null) return 'CPU split unavailable';
  return `server ${fmt.pct(cpu.server ?? NaN)}, PostgreSQL ${fmt.pct(cpu.postgres ?? NaN)}, load generator ${fmt.pct(cpu.loadGenerator ?? NaN)}, `
    + `other ${fmt.pct(cpu.other)}, idle ${fmt.pct(cpu.idle)}`;
}

async function main(): Promise<number> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    process.stderr.write('bench: set DATABASE_URL to a PostgreSQL server, e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:iso8583\n');
    return 2;
  }
  const host = new URL(serverUrl).hostname;
  if (!['127.0.0.1', 'localhost', '[::1]', '::1'].includes(host)) {
    process.stderr.write(`bench: DATABASE_URL must point at this machine (127.0.0.1), not ${host}: pgbench and the server must share its cores to compare.\n`);
    return 2;
  }
  const id = crypto.randomBytes(4).toString('hex');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-bench-iso-'));
  onCleanup(async () => fs.rmSync(tmp, { recursive: true, force: true }));
  log(`Tessera ISO 8583 benchmark: ${CARDS} cards, ${RUN_SECONDS} s per run, connections ${CONNECTIONS.join('/')}; `
    + `${os.cpus().length} cores, Node ${process.version}, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);

  // The postmaster, from a backend of ours while it is connected.
  const probe = new pg.Client({ connectionString: serverUrl });
  await probe.connect();
  const { rows: [pgInfo] } = await probe.query<{ pid: number; v: string }>('SELECT pg_backend_pid() AS pid, version() AS v');
  const postmaster = postmasterOf(pgInfo!.pid);
  await probe.end();
  log(`PostgreSQL: ${pgInfo!.v.split(',')[0]}`);
  const pgbUrl = await createDatabase(serverUrl, `tessera_bench_isopgb_${id}`);
  await run('psql', ['--no-psqlrc', '--quiet', '-v', 'ON_ERROR_STOP=1', '-v', `accounts=${CARDS}`, '-f', path.join(ROOT, 'bench/pgbench-authorization-init.sql')],
    libpqEnv(pgbUrl), 60_000);
  const benchUrl = await createDatabase(serverUrl, `tessera_bench_iso_${id}`);
  const adminToken = crypto.randomBytes(24).toString('hex');
  const master = crypto.randomBytes(32);
  const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env)
    .filter(([k]) => (!k.startsWith('TESSERA_') || k === 'TESSERA_AUTHORIZATION_LANES') && k !== 'NODE_ENV'));
  Object.assign(env, {
    PORT: '0', HOST: '127.0.0.1', DATABASE_URL: benchUrl, TESSERA_DATA_DIR: path.join(tmp, 'data'), LOG_LEVEL: 'warn',
    TESSERA_RATE_LIMIT_MAX: '1000000', TESSERA_ADMIN_TOKEN: adminToken, TESSERA_MASTER_KEY: master.toString('hex'),
    TESSERA_ISO8583_PORT: '0', TESSERA_ISO8583_HOST: '127.0.0.1', TESSERA_ISO8583_MODE: 'sandbox',
  });
  const server = await startServer(ROOT, env);
  onCleanup(async () => {
    await server.stop();
  });
  const m = /ISO 8583:\s+tcp:\/\/127\.0\.0\.1:(\d+)/.exec(server.output());
  if (!m) throw new Error(`the server printed no ISO 8583 address:\n${server.output()}`);
  const port = Number(m[1]);
  const pids: Pids = { server: server.pid, postmaster };
  log(`  server pid ${server.pid}, HTTP ${server.url}, ISO 8583 127.0.0.1:${port}; PostgreSQL postmaster ${pids.postmaster ?? '—'}`);
  const setupStart = Date.now();
  const { merchantId, cards } = await setupCards(server.url, adminToken, benchUrl, master);
  log(`  ${cards.length} cards funded in ${((Date.now() - setupStart) / 1000).toFixed(1)} s`);

  const all = newTally();
  const warm = await measureLink(port, cards, TARGET_CONNECTIONS, WARMUP_SECONDS, pids, 0, all);
  log(`  warm-up: ${WARMUP_SECONDS} s at ${TARGET_CONNECTIONS} connections, ${fmt.int(warm.tally.answered)} answers (not measured)`);

  const rows: { c: number; link: LinkRun; r: PgbenchRun & { cpu: CpuSplit | null } }[] = [];
  let runNo = 1;
  for (const c of CONNECTIONS) {
    const r = await measureR(serverUrl, pgbUrl, tmp, pids, c);
    log(`  R        c=${String(c).padStart(3)}: ${fmt.int(r.tps)} tps, p50 ${fmt.ms(r.p50)} ms, p99 ${fmt.ms(r.p99)} ms (${r.clients} clients); CPU: ${describeCpu(r.cpu)}`);
    const link = await measureLink(port, cards, c, RUN_SECONDS, pids, runNo++, all);
    const codes = [...link.tally.codes].map(([k, v]) => `${k}: ${fmt.int(v)}`).join(', ');
    log(`  ISO 8583 c=${String(c).padStart(3)}: ${fmt.int(link.rate)} auth/s, p50 ${fmt.ms(link.p50)} ms, p99 ${fmt.ms(link.p99)} ms; DE 39 ${codes}; `
      + `lost ${link.tally.lost}; CPU: ${describeCpu(link.cpu)}`);
    rows.push({ c, link, r });
    // Let the batcher finish what the deadline left in flight before R runs again.
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const exit = await server.stop();
  log(`  server stopped (exit ${exit})`);

  const db = openPostgres(benchUrl, 2);
  let ledgerOk = false;
  try {
    const report = await verifyLedger(db);
    const a = await db.query<{ held: string | null; n: string }>(
      "SELECT sum(held_amount + fee_held)::text AS held, count(*)::text AS n FROM authorizations WHERE merchant_id = $1 AND status = 'pending'", [merchantId]);
    const l = await db.query<{ held: string | null }>(
      "SELECT sum(debits_pending)::text AS held FROM ledger_accounts WHERE owner_merchant_id = $1 AND code IN ('card_available', 'card_reserve')", [merchantId]);
    const table_ = BigInt(a.rows[0]?.held ?? 0);
    const ledger = BigInt(l.rows[0]?.held ?? 0);
    ledgerOk = report.ok && table_ === ledger && all.held === table_;
    log(`  verifyLedger: ${report.ok ? 'clean' : `${report.violations.length} VIOLATIONS`} (${fmt.int(report.transfers)} transfers); `
      + `approved holds: answers ${fmt.int(Number(all.held))} ¢ ${all.held === table_ ? '=' : '≠'} authorizations table ${fmt.int(Number(table_))} ¢ `
      + `${table_ === ledger ? '=' : '≠'} ledger ${fmt.int(Number(ledger))} ¢ (${a.rows[0]?.n} holds; ${all.lost} answers lost)`);
  } finally {
    await db.close();
  }

  log('\nResults (auth/s = answers with DE 39 00 per second over the link; R = pgbench at the same client count, same server, same run;'
    + ' × R = auth/s ÷ R tps; CPU shares of the whole machine)');
  log(table([
    ['conns', 'auth/s', 'p50 ms', 'p99 ms', 'R tps', 'R p50', 'R p99', '× R', 'server', 'PostgreSQL', 'load gen', 'other', 'idle'],
    ...rows.map(({ c, link, r }) => [
      String(c), fmt.int(link.rate), fmt.ms(link.p50), fmt.ms(link.p99), fmt.int(r.tps), fmt.ms(r.p50), fmt.ms(r.p99), fmt.ratio(link.rate / r.tps),
      fmt.pct(link.cpu?.server ?? NaN), fmt.pct(link.cpu?.postgres ?? NaN), fmt.pct(link.cpu?.loadGenerator ?? NaN), fmt.pct(link.cpu?.other ?? NaN),
      fmt.pct(link.cpu?.idle ?? NaN),
    ]),
  ]));
  const target = rows.find((x) => x.c === TARGET_CONNECTIONS);
  log(`\nTarget (issue 15, printed, never asserted): at ${TARGET_CONNECTIONS} connections ≥ ${TARGET_RATIO}× R: `
    + (target ? `${target.link.rate >= TARGET_RATIO * target.r.tps ? 'met' : 'not met'} (${fmt.int(target.link.rate)} auth/s vs ${TARGET_RATIO} × ${fmt.int(target.r.tps)} = `
      + `${fmt.int(TARGET_RATIO * target.r.tps)}; ${fmt.ratio(target.link.rate / target.r.tps)} R)` : `not evaluated (no run at ${TARGET_CONNECTIONS})`));
  log(`Ledger after the runs: ${ledgerOk ? 'clean and reconciled' : 'NOT clean or NOT reconciled'}`);
  return ledgerOk ? 0 : 1;
}

const watchdog = setTimeout(() => {
  process.stderr.write(`bench: still running after ${WATCHDOG_MS / 60_000} minutes; cleaning up and giving up\n`);
  void cleanup().then(() => process.exit(3));
}, WATCHDOG_MS);

let code = 1;
try {
  code = await main();
} catch (err) {
  process.stderr.write(`bench: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
} finally {
  await cleanup();
  clearTimeout(watchdog);
}
process.exit(code);
