import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ADMIN_TOKEN, buildTestApp, type TestApp } from '../harness.ts';
import { systemClock } from '../../src/lib/clock.ts';
import { dispatchOnce } from '../../src/webhooks/index.ts';

/**
 * Helpers for the SDK and CLI tests: the server (buildApp, as main.ts builds it) listening on 127.0.0.1 over
 * real HTTP, and small local HTTP servers beside it. It runs in the test process, on the test harness's
 * cloned database, because starting a server process on a fresh data directory (tsx, migrations) takes
 * more than a minute on a loaded two-core machine; the CLI and the README example still run as their own
 * processes against it.
 */

export interface RunningServer {
  t: TestApp;
  base: string;
  adminToken: string;
  /** One pass of the real webhook dispatcher (the server process runs it on a timer). */
  dispatchWebhooks(): Promise<void>;
  close(): Promise<void>;
}

/** Loopback webhooks allowed (as TESSERA_WEBHOOKS_ALLOW_PRIVATE); the wall clock, which signatures and webhook timestamps are checked against. */
export async function startTestServer(): Promise<RunningServer> {
  const t = await buildTestApp({ config: { webhooksAllowPrivate: true }, clock: systemClock });
  const base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  return {
    t, base, adminToken: ADMIN_TOKEN,
    async dispatchWebhooks() {
      await dispatchOnce({ db: t.db, clock: t.clock, keys: t.keys, allowPrivate: true });
    },
    close: () => t.close(),
  };
}

export interface LocalServer {
  url: string;
  close(): Promise<void>;
}

/** An HTTP server on 127.0.0.1 with a random port. */
export async function listenLocal(handler: http.RequestListener): Promise<LocalServer> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

export const readBody = (req: http.IncomingMessage): Promise<Buffer> => new Promise((resolve, reject) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => resolve(Buffer.concat(chunks)));
  req.on('error', reject);
});

export interface Answer { status: number; headers: http.IncomingHttpHeaders; body: Buffer }

/** Send a request as it came (Host header included, so signatures over @target-uri still match) to `target`. */
export function forward(req: http.IncomingMessage, body: Buffer, target: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const out = http.request(new URL(req.url!, target), { method: req.method, headers: req.headers }, (answer) => {
      readBody(answer).then((b) => resolve({ status: answer.statusCode!, headers: answer.headers, body: b }), reject);
    });
    out.on('error', reject);
    out.end(body);
  });
}

export function relay(res: http.ServerResponse, answer: Answer): void {
  res.writeHead(answer.status, answer.headers).end(answer.body);
}

/** A merchant made through the admin API: its id and sandbox key. */
export async function newMerchant(base: string, name = 'SDK e2e merchant'): Promise<{ id: string; key: string }> {
  const res = await fetch(`${base}/admin/v1/merchants`, {
    method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ name }),
  });
  if (res.status !== 201) throw new Error(`creating a merchant: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { id: string; sandbox_api_key: string };
  return { id: body.id, key: body.sandbox_api_key };
}
