import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../harness.ts';

const root = path.resolve(import.meta.dirname, '../..');
let testDb: TestDb | null = null;
afterAll(async () => testDb?.close());

async function waitFor<T>(fn: () => T | null | Promise<T | null>, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== null) return v;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('the real server process', () => {
  it('starts as npm start does, serves /ready, leaves a working key in a file (not in its output), and stops cleanly on SIGTERM', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-e2e-'));
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', TESSERA_DATA_DIR: dataDir, LOG_LEVEL: 'info' };
    delete env.DATABASE_URL;
    if (process.env.DATABASE_URL) {
      testDb = await createTestDb({ poolSize: 1 });
      env.DATABASE_URL = testDb.url!;
    }
    // Exactly what `npm start` runs (package.json): the build when dist/ is stale, then the compiled server,
    // without npm in between, so that the signal and the exit code are the server's own.
    const scripts = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).scripts as Record<string, string>;
    expect(scripts.prestart).toBe('node scripts/build.mjs --if-stale');
    expect(scripts.start).toBe('node dist/main.js');
    const build = spawnSync(process.execPath, ['scripts/build.mjs', '--if-stale'], { cwd: root, encoding: 'utf8' });
    expect(build.status, build.stderr).toBe(0);
    const child = spawn(process.execPath, ['dist/main.js'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const base = await waitFor(() => /API:\s+(http:\/\/[^\s]+)\/v1/.exec(out)?.[1] ?? null, 20_000);
      // stdout is a pipe, not a terminal: the first-start key is in an owner-only file, and the banner names it.
      const keyFile = path.join(dataDir, 'demo-merchant-key.txt');
      await waitFor(() => (out.includes(keyFile) ? true : null), 5_000);
      expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
      const key = fs.readFileSync(keyFile, 'utf8').trim();
      expect(key).toMatch(/^sk_sandbox_[A-Za-z0-9_-]{43}$/);
      expect(out).not.toContain(key);
      const ready = await waitFor(async () => {
        const res = await fetch(`${base}/ready`).catch(() => null);
        return res?.status === 200 ? res : null;
      }, 15_000);
      expect(await ready.json()).toMatchObject({ status: 'ready' });
      const me = await fetch(`${base}/v1/merchant`, { headers: { authorization: `Bearer ${key}` } });
      expect(me.status).toBe(200);
      expect(((await me.json()) as { mode: string }).mode).toBe('sandbox');
      const anon = await fetch(`${base}/v1/merchant`);
      expect(anon.status).toBe(401);
      expect(((await anon.json()) as { error: { code: string } }).error.code).toBe('authentication_required');
      expect(out).toContain(`${base}/docs`);

      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      const logLines = out.split('\n').filter((l) => l.startsWith('{'));
      expect(logLines.length).toBeGreaterThan(2);
      expect(out).not.toContain(key);
      for (const line of logLines) expect(line).not.toContain(key);
    } finally {
      child.kill('SIGKILL');
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
