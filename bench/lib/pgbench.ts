import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { quantile } from './stats.ts';

export interface PgbenchRun {
  clients: number;
  tps: number;
  transactions: number;
  failed: number;
  /** Milliseconds, from pgbench's per-transaction log (-l). */
  p50: number;
  p99: number;
  /** pgbench's own "latency average", ms. */
  avg: number;
}

export interface PgbenchOptions {
  /** postgres://… of the scratch database; host, port, user and database are passed as pgbench options. */
  url: string;
  script: string;
  clients: number;
  threads: number;
  seconds: number;
  defines: Record<string, string | number>;
  logDir: string;
}

/** Why +30 s: pgbench stops itself after -T; this only catches a hung connection. */
const PGBENCH_GRACE_MS = 30_000;

/** Run the command, bounded in time; resolves with its output, rejects on a non-zero exit. */
export function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString('utf8'); });
    child.stderr.on('data', (c: Buffer) => { stderr = (stderr + c.toString('utf8')).slice(-64 * 1024); });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve({ stdout, stderr });
      else reject(new Error(`${cmd} ${args.join(' ')} failed (${signal ?? `exit ${code}`}):\n${stderr || stdout}`));
    });
  });
}

/** libpq environment for a postgres:// URL, so no password ever lands on a command line. */
export function libpqEnv(url: string): NodeJS.ProcessEnv {
  const u = new URL(url);
  return {
    ...process.env,
    PGHOST: decodeURIComponent(u.hostname) || '127.0.0.1', PGPORT: u.port || '5432',
    PGUSER: decodeURIComponent(u.username) || 'postgres', PGDATABASE: decodeURIComponent(u.pathname.slice(1)),
    ...(u.password ? { PGPASSWORD: decodeURIComponent(u.password) } : {}),
  };
}

/**
 * Latencies (ms) of every transaction in pgbench's per-transaction logs with
 * this prefix (one file per thread: prefix.<pid> and prefix.<pid>.<thread>),
 * which are removed once read, so a later run with the same prefix reads only
 * its own and the logs never pile up.
 */
function logLatencies(dir: string, prefix: string): Float64Array {
  const values: number[] = [];
  for (const file of fs.readdirSync(dir)) {
    if (!file.startsWith(`${prefix}.`)) continue;
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    fs.rmSync(path.join(dir, file));
    for (const line of text.split('\n')) {
      // client_id transaction_no time script_no time_epoch time_us: time is the latency in µs
      // ("failed" or "skipped" otherwise, which are not latencies).
      const us = Number(line.split(' ')[2]);
      if (line !== '' && Number.isFinite(us)) values.push(us / 1000);
    }
  }
  return Float64Array.from(values).sort();
}

export async function pgbench(o: PgbenchOptions): Promise<PgbenchRun> {
  const prefix = `pgbench_c${o.clients}_${Object.values(o.defines).join('_')}`;
  const args = [
    '--no-vacuum', '--client', String(o.clients), '--jobs', String(o.threads), '--time', String(o.seconds),
    '--protocol', 'prepared', '--file', o.script, '--log', `--log-prefix=${path.join(o.logDir, prefix)}`,
    ...Object.entries(o.defines).flatMap(([k, v]) => ['--define', `${k}=${v}`]),
  ];
  const { stdout } = await run('pgbench', args, libpqEnv(o.url), o.seconds * 1000 + PGBENCH_GRACE_MS);
  const num = (re: RegExp) => Number(re.exec(stdout)?.[1] ?? NaN);
  const lat = logLatencies(o.logDir, prefix);
  return {
    clients: o.clients,
    tps: num(/^tps = ([\d.]+) \(without initial connection time\)/m),
    transactions: num(/^number of transactions actually processed: (\d+)/m),
    failed: num(/^number of failed transactions: (\d+)/m) || 0,
    avg: num(/^latency average = ([\d.]+) ms/m),
    p50: quantile(lat, 0.5),
    p99: quantile(lat, 0.99),
  };
}
