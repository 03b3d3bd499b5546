import fs from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';

/** Why 60 s: start-up migrates a fresh database and loads tsx; on a busy 2-core machine that takes seconds, never a minute. */
export const SERVER_START_TIMEOUT_MS = 60_000;
/** Why 15 s: the server's own shutdown grace is 10 s; past that it is stuck and gets SIGKILL. */
export const SERVER_STOP_TIMEOUT_MS = 15_000;
/** Why 64 KiB: enough of the server's output to show why it failed, bounded whatever it prints. */
const OUTPUT_KEEP_BYTES = 64 * 1024;

export interface ServerProcess {
  /** Base URL the server printed, e.g. http://127.0.0.1:41234 */
  url: string;
  pid: number;
  /** The last bytes the server wrote to stdout and stderr. */
  output(): string;
  /** SIGTERM, then SIGKILL if it is still running after SERVER_STOP_TIMEOUT_MS; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Start the real server (`node --import tsx src/main.ts`) and wait for the
 * banner line with its URL. The child is node itself (no shell), so its pid
 * is the process whose memory and CPU we read.
 */
export function startServer(cwd: string, env: NodeJS.ProcessEnv, nodeArgs: string[] = []): Promise<ServerProcess> {
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'src/main.ts'], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (chunk: Buffer) => {
    out = (out + chunk.toString('utf8')).slice(-OUTPUT_KEEP_BYTES);
  };
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => {
    exitCode = code;
    resolve(code);
  }));
  const stop = async () => {
    if (exitCode !== undefined) return exitCode;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), SERVER_STOP_TIMEOUT_MS);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`the server did not print its URL within ${SERVER_START_TIMEOUT_MS / 1000} s:\n${out}`));
    }, SERVER_START_TIMEOUT_MS);
    child.stderr!.on('data', keep);
    child.stdout!.on('data', (chunk: Buffer) => {
      keep(chunk);
      const m = /API:\s+(http:\/\/\S+)\/v1/.exec(out);
      if (m && child.pid !== undefined) {
        clearTimeout(timer);
        resolve({ url: m[1]!, pid: child.pid, output: () => out, stop });
      }
    });
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (code ${code}) before it was ready:\n${out}`));
    });
  });
}

function readProc(path: string): string | null {
  try {
    return fs.readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** Peak resident set size (VmHWM) of a process in bytes, or null when /proc cannot tell. */
export function peakRss(pid: number): number | null {
  const m = /^VmHWM:\s+(\d+) kB$/m.exec(readProc(`/proc/${pid}/status`) ?? '');
  return m ? Number(m[1]) * 1024 : null;
}

/** Current resident set size (VmRSS) of a process in bytes, or null when /proc cannot tell. */
export function rss(pid: number): number | null {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(readProc(`/proc/${pid}/status`) ?? '');
  return m ? Number(m[1]) * 1024 : null;
}

/** Reset a process's peak RSS to its current RSS (Linux: `5` to clear_refs), so VmHWM covers one phase; false if not allowed. */
export function resetPeakRss(pid: number): boolean {
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** Why 100: the kernel's USER_HZ on Linux (getconf CLK_TCK), the unit of /proc/<pid>/stat times. */
const CLOCK_TICKS_PER_S = 100;

/** CPU seconds (user + system) a process has used, or null. */
export function cpuSeconds(pid: number): number | null {
  const stat = readProc(`/proc/${pid}/stat`);
  if (stat === null) return null;
  // Fields after the command name, which is in parentheses and may contain spaces: state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_S;
}

/** Machine-wide CPU time so far: busy and total, in clock ticks over all cores. */
export function machineCpu(): { busy: number; total: number } {
  const line = (readProc('/proc/stat') ?? '').split('\n')[0] ?? '';
  const v = line.trim().split(/\s+/).slice(1, 9).map(Number); // user nice system idle iowait irq softirq steal
  const total = v.reduce((a, b) => a + b, 0);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  return { busy: total - idle, total };
}

export interface RssReport {
  /** Bytes, after the warm-up and at the end of the run; null when /proc cannot tell. */
  warm: number | null;
  end: number | null;
  min: number | null;
  max: number | null;
}

/** Why 1 s: RSS moves with the garbage collector over seconds; finer sampling only adds noise. */
const RSS_SAMPLE_MS = 1000;

/** Follow a process's RSS from now: its value after warmupMs and at stop(), and the lowest and highest seen between. */
/** Why 5 s: the garbage collector swings RSS by tens of MiB within seconds; a median over 5 s of samples is steady. */
const RSS_WINDOW_MS = 5_000;

/**
 * Follow a process's RSS: `warm` is the median of the samples in the 5 s
 * after the warm-up, `end` the median of the last 5 s, so one collection
 * right before a single reading cannot decide the drift.
 */
export function watchRss(pid: number, warmupMs: number): { stop(): RssReport } {
  const started = Date.now();
  const seen: { t: number; v: number }[] = [];
  const sample = () => {
    const v = rss(pid);
    if (v !== null) seen.push({ t: Date.now() - started, v });
  };
  const every = setInterval(sample, RSS_SAMPLE_MS);
  const median = (xs: number[]) => {
    if (xs.length === 0) return null;
    const sorted = [...xs].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)]!;
  };
  return {
    stop() {
      clearInterval(every);
      sample();
      const last = seen.at(-1)?.t ?? 0;
      const values = seen.map((x) => x.v);
      return {
        warm: median(seen.filter((x) => x.t >= warmupMs && x.t < warmupMs + RSS_WINDOW_MS).map((x) => x.v)),
        end: median(seen.filter((x) => x.t > last - RSS_WINDOW_MS && x.t >= warmupMs + RSS_WINDOW_MS).map((x) => x.v)),
        min: values.length ? Math.min(...values) : null, max: values.length ? Math.max(...values) : null,
      };
    },
  };
}
