import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * A throwaway PostgreSQL cluster for tests that must crash and restart the
 * server itself: initdb into a temporary directory, on a free port, run as the
 * `postgres` user (initdb refuses root). Nothing is shared with the machine's
 * own server.
 */

/** The directory of initdb/pg_ctl, or null (with the reason) when the binaries are not installed. */
export function findPgBin(): { dir: string } | { missing: string } {
  const candidates: string[] = [];
  try {
    candidates.push(execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim());
  } catch {
    // pg_config is not on the PATH: look where Debian and others install the server.
  }
  for (const base of ['/usr/lib/postgresql', '/usr/local/pgsql']) {
    if (!fs.existsSync(base)) continue;
    if (fs.existsSync(path.join(base, 'bin'))) candidates.push(path.join(base, 'bin'));
    for (const v of fs.readdirSync(base).sort().reverse()) candidates.push(path.join(base, v, 'bin'));
  }
  const dir = candidates.find((d) => fs.existsSync(path.join(d, 'initdb')) && fs.existsSync(path.join(d, 'pg_ctl')));
  if (!dir) return { missing: 'initdb and pg_ctl were not found (pg_config --bindir, /usr/lib/postgresql/*/bin)' };
  if (process.getuid?.() === 0) {
    try {
      execFileSync('id', ['postgres'], { stdio: 'ignore' });
      execFileSync('runuser', ['--help'], { stdio: 'ignore' });
    } catch {
      return { missing: 'running as root, but there is no `postgres` user or no runuser to run initdb as it' };
    }
  }
  return { dir };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export class PgCluster {
  private constructor(private readonly bin: string, readonly dir: string, readonly port: number) {}

  static async create(bin: string): Promise<PgCluster> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-pgcluster-'));
    if (process.getuid?.() === 0) execFileSync('chown', ['-R', 'postgres:', dir]);
    const cluster = new PgCluster(bin, dir, await freePort());
    cluster.run('initdb', ['-D', path.join(dir, 'data'), '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync', '--no-instructions']);
    cluster.start();
    return cluster;
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  urlFor(database: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  /** Start and wait until it accepts connections. */
  start(): void {
    // The socket directory is the cluster's own; fsync is off because the data dies with the test (an immediate
    // stop is still a crash for PostgreSQL: it replays its WAL at the next start).
    this.run('pg_ctl', ['start', '-w', '-t', '60', '-D', path.join(this.dir, 'data'), '-l', path.join(this.dir, 'server.log'),
      '-o', `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100`]);
  }

  /** A crash: every backend dies at once, no checkpoint (`pg_ctl stop -m immediate`). */
  crash(): void {
    this.run('pg_ctl', ['stop', '-w', '-m', 'immediate', '-D', path.join(this.dir, 'data')]);
  }

  async destroy(): Promise<void> {
    try {
      this.run('pg_ctl', ['stop', '-w', '-m', 'immediate', '-D', path.join(this.dir, 'data')]);
    } catch {
      // Already stopped.
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private run(tool: string, args: string[]): void {
    const exe = path.join(this.bin, tool);
    if (process.getuid?.() === 0) execFileSync('runuser', ['-u', 'postgres', '--', exe, ...args], { stdio: 'pipe', cwd: this.dir });
    else execFileSync(exe, args, { stdio: 'pipe', cwd: this.dir });
  }
}
