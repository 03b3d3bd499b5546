// The server process: open the database, build the app, start the jobs and the network link, listen, print the
// banner, and stop cleanly on a signal. main.ts (npm start) and the CLI's `start` run it.
import { loadConfig } from './config.ts';
import { buildApp } from './app.ts';
import { openRuntime } from './runtime.ts';
import { systemClock } from './lib/clock.ts';
import { demoMerchantBanner, ensureDemoMerchant } from './cli/demo.ts';
import { startJobs } from './jobs/index.ts';
import { createProviders } from './notifications/index.ts';
import { startNetworkLink, type NetworkListener } from './network/index.ts';
import { topupProviders } from './topups/index.ts';

/** Why 10 s: in-flight requests are short; a stuck one must not keep a deploy waiting for ever. */
const SHUTDOWN_GRACE_MS = 10_000;

/** Run the server until SIGTERM or SIGINT: what `npm start` and `tessera start` do. */
export async function serve(): Promise<void> {
  const config = loadConfig();
  const runtime = await openRuntime(config);
  const app = await buildApp({ config, db: runtime.db, clock: systemClock, keys: runtime.keys });
  for (const w of runtime.warnings) app.log.warn(w);
  const demo = await ensureDemoMerchant(runtime.db, systemClock);
  if (config.webhooksAllowPrivate) {
    app.log.warn('TESSERA_WEBHOOKS_ALLOW_PRIVATE is on: webhooks may use plain HTTP and reach loopback and private addresses. For local development and tests only.');
  }
  // One line when the database becomes unreachable and one when it is back, however many requests fail between.
  runtime.db.availability.onChange((event) => {
    if (event.state === 'down') app.log.error({ err: event.error }, 'database unreachable: requests answer 503 until it is back');
    else app.log.info({ down_for_ms: event.downForMs }, 'database reachable again');
  });
  const jobs = startJobs({ db: runtime.db, clock: systemClock, log: app.log, keys: runtime.keys, webhooksAllowPrivate: config.webhooksAllowPrivate, topups: topupProviders(config),
    notifications: createProviders(config),
  });

  let link: NetworkListener | null = null;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down: finishing in-flight requests');
    const force = setTimeout(() => {
      app.log.error('shutdown grace period over; exiting');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    force.unref();
    try {
      await jobs.stop();
      // The link answers what it is deciding, then closes its connections, while the database is still open.
      await link?.close();
      await app.close();
      // Requests already answered may have left authorizations committing in the batcher.
      await app.authorizations.idle();
      await runtime.close();
      process.exit(0);
    } catch (err) {
      app.log.error({ err }, 'error during shutdown');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));

  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const base = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  if (config.iso8583Port !== null) {
    link = await startNetworkLink({
      db: runtime.db, keys: runtime.keys, clock: systemClock, authorizations: app.authorizations, log: app.log, metrics: app.metrics,
      host: config.iso8583Host, port: config.iso8583Port, mode: config.iso8583Mode, timeoutMs: config.iso8583TimeoutMs, idleTimeoutMs: config.iso8583IdleTimeoutMs,
    });
  }
  // The banner is for the person at the terminal, not for the log pipeline: plain lines on stdout.
  const lines = [
    '',
    `Tessera is running on ${runtime.db.kind === 'pglite' ? `the embedded database in ${config.dataDir}` : 'PostgreSQL'}.`,
    `  API:       ${base}/v1`,
    `  Docs:      ${base}/docs`,
    `  Dashboard: ${base}/dashboard`,
  ];
  if (link) lines.push(`  ISO 8583:  tcp://${link.host.includes(':') ? `[${link.host}]` : link.host}:${link.port} (${config.iso8583Mode} cards; docs/iso8583.md)`);
  // The key itself only at a terminal; otherwise it goes to an owner-only file and the banner names it.
  if (demo) lines.push('', ...demoMerchantBanner(demo, base, { isTTY: process.stdout.isTTY === true, dataDir: config.dataDir }));
  if (config.adminToken === null) lines.push('', 'The admin API is off; set TESSERA_ADMIN_TOKEN to enable it.');
  process.stdout.write(lines.join('\n') + '\n\n');
}

