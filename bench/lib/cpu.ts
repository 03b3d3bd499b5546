import fs from 'node:fs';

/**
 * Where the machine's CPU time went during a run: the server process, the
 * PostgreSQL cluster, the load generator (this process: autocannon runs in
 * it, and pgbench is its child), everything else (other work on a shared
 * machine), and idle. Each is read from /proc at the start and the end of the
 * run, in clock ticks, and reported as a share of the machine's total CPU time
 * (all cores: on 2 cores, one busy core is 50 %).
 */

export interface CpuSnapshot {
  /** /proc/stat over all cores: every tick, and the idle ones (idle + iowait). */
  total: number;
  idle: number;
  server: number | null;
  postgres: number | null;
  loadGenerator: number | null;
}

/** Shares of the machine's total CPU time; null where /proc could not tell. */
export interface CpuSplit {
  server: number | null;
  postgres: number | null;
  loadGenerator: number | null;
  /** Busy time none of the above account for: other processes on the machine. */
  other: number;
  idle: number;
}

interface ProcTimes {
  ppid: number;
  /** utime + stime: the process itself. */
  own: number;
  /** cutime + cstime: its children that have exited and been waited for. */
  children: number;
}

function procTimes(pid: number | 'self'): ProcTimes | null {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // After the command name, which is in parentheses and may hold spaces: state is field 3, ppid 4,
  // utime 14, stime 15, cutime 16, cstime 17 (proc(5)).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
  return { ppid: fields[1]!, own: fields[11]! + fields[12]!, children: fields[13]! + fields[14]! };
}

function procName(pid: number): string | null {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return null;
  }
}

/**
 * The postmaster of a PostgreSQL backend seen in pg_backend_pid(), or null when
 * /proc does not show it as a postgres process and its postgres parent (the
 * server runs in another PID namespace, e.g. a container, or elsewhere).
 */
export function postmasterOf(backendPid: number): number | null {
  const parent = procTimes(backendPid)?.ppid ?? null;
  return parent !== null && procName(backendPid) === 'postgres' && procName(parent) === 'postgres' ? parent : null;
}

/**
 * All the CPU the cluster has used so far: the postmaster and its live
 * children (backends, background workers), plus the children that have
 * exited, which the kernel adds to the postmaster's cutime when it reaps them
 * (pgbench's backends live only as long as one run).
 */
function clusterTicks(postmaster: number): number | null {
  const root = procTimes(postmaster);
  if (root === null) return null;
  let ticks = root.own + root.children;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === postmaster) continue;
    const p = procTimes(Number(entry));
    if (p !== null && p.ppid === postmaster) ticks += p.own + p.children;
  }
  return ticks;
}

function machineTicks(): { total: number; idle: number } {
  let line = '';
  try {
    line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  } catch {
    return { total: NaN, idle: NaN };
  }
  const v = line.trim().split(/\s+/).slice(1, 9).map(Number); // user nice system idle iowait irq softirq steal
  return { total: v.reduce((a, b) => a + b, 0), idle: (v[3] ?? 0) + (v[4] ?? 0) };
}

export function cpuSnapshot(serverPid: number | null, postmasterPid: number | null): CpuSnapshot {
  const self = procTimes('self');
  const server = serverPid === null ? null : procTimes(serverPid);
  return {
    ...machineTicks(),
    server: server === null ? null : server.own,
    postgres: postmasterPid === null ? null : clusterTicks(postmasterPid),
    // This process and the children it has waited for: pgbench (and psql) exit within a run. The
    // server is a child too, but it only exits after the last run, so it never lands here.
    loadGenerator: self === null ? null : self.own + self.children,
  };
}

export function cpuSplit(start: CpuSnapshot, end: CpuSnapshot): CpuSplit | null {
  const total = end.total - start.total;
  if (!(total > 0)) return null;
  const share = (a: number | null, b: number | null) => (a === null || b === null ? null : Math.max(0, b - a) / total);
  const server = share(start.server, end.server);
  const postgres = share(start.postgres, end.postgres);
  const loadGenerator = share(start.loadGenerator, end.loadGenerator);
  const idle = (end.idle - start.idle) / total;
  const other = Math.max(0, 1 - idle - (server ?? 0) - (postgres ?? 0) - (loadGenerator ?? 0));
  return { server, postgres, loadGenerator, other, idle };
}
