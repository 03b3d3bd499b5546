import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDb, onPostgres, type TestDb } from '../harness.ts';
import { validCustomer } from '../fixtures/customers.ts';

const root = path.resolve(import.meta.dirname, '../..');
let testDb: TestDb | null = null;
const children: ChildProcess[] = [];
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await testDb?.close();
});

async function waitFor<T>(fn: () => T | null | Promise<T | null>, ms: number, what: string): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== null) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function startServer(env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => out };
}

/**
 * At-least-once delivery across a crash: events are committed, the server
 * dies by SIGKILL while its deliveries are in flight (the receiver never
 * answers them), and after a restart every event arrives.
 */
describe.skipIf(!onPostgres)('webhook delivery survives a crash (PostgreSQL)', () => {
  it('delivers every committed event after SIGKILL and restart', async () => {
    testDb = await createTestDb({ poolSize: 1 });
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-crash-'));
    let answering = false;
    const delivered = new Set<string>();
    let inFlight = 0;
    const receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        if (!answering) {
          inFlight++; // phase 1: hold the request open, as a slow receiver would, until the server dies
          return;
        }
        delivered.add(req.headers['webhook-id'] as string);
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const env: NodeJS.ProcessEnv = {
      ...process.env, PORT: '0', TESSERA_DATA_DIR: dataDir, LOG_LEVEL: 'warn', DATABASE_URL: testDb.url!, TESSERA_WEBHOOKS_ALLOW_PRIVATE: 'true',
    };
    try {
      const first = startServer(env);
      const base = await waitFor(() => /API:\s+(http:\/\/[^\s]+)\/v1/.exec(first.output())?.[1] ?? null, 30_000, 'the first server');
      // Not a terminal: the first-start key is in a file in the data directory.
      const key = fs.readFileSync(path.join(dataDir, 'demo-merchant-key.txt'), 'utf8').trim();
      expect(key).toMatch(/^sk_sandbox_/);
      expect(first.output()).toContain('TESSERA_WEBHOOKS_ALLOW_PRIVATE is on');
      const call = async (url: string, body: unknown) => {
        const res = await fetch(`${base}${url}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
        expect(res.status, await res.clone().text()).toBeLessThan(300);
        return res.json() as Promise<{ id: string }>;
      };
      await call('/v1/webhook_endpoints', { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`, events: ['*'] });
      for (let i = 0; i < 5; i++) await call('/v1/customers', validCustomer());
      await waitFor(() => (inFlight > 0 ? true : null), 10_000, 'a delivery in flight');
      first.child.kill('SIGKILL');
      expect(await first.exited).toBeNull();
      receiver.closeAllConnections();
      const committed = (await testDb.db.query<{ id: string }>("SELECT id FROM events WHERE type = 'customer.created'")).rows.map((r) => r.id);
      expect(committed).toHaveLength(5);
      expect(delivered.size).toBe(0);

      answering = true;
      const second = startServer(env);
      // The in-flight deliveries are leased for the send timeout plus a margin (15 s); after that the new process sends them.
      await waitFor(() => (committed.every((id) => delivered.has(id)) ? true : null), 45_000, 'every event to arrive');
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    } finally {
      receiver.closeAllConnections();
      receiver.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});
