import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { validCustomer } from '../fixtures/customers.ts';

/** Helpers for tests that run the real server process (what `npm start` runs) and talk to it over HTTP. */

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const E2E_ADMIN_TOKEN = 'e2e-admin-token-0123456789abcdef';

export async function waitFor<T>(fn: () => T | null | Promise<T | null>, ms: number, what = 'condition'): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== null) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface ServerProcess {
  child: ChildProcess;
  base: string;
  /** Everything the process wrote (stdout and stderr). */
  output(): string;
  /** The JSON log lines. */
  logs(): Record<string, unknown>[];
  exited: Promise<number | null>;
  alive(): boolean;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** `bannerMs`: how long the first start may take (a fresh embedded database migrates first; slow on a busy machine). */
export async function startServer(env: NodeJS.ProcessEnv, bannerMs = 30_000): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT, env: { ...process.env, PORT: '0', LOG_LEVEL: 'info', TESSERA_ADMIN_TOKEN: E2E_ADMIN_TOKEN, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => {
    exitCode = code;
    resolve(code);
  }));
  const base = await Promise.race([
    waitFor(() => /API:\s+(http:\/\/[^\s]+)\/v1/.exec(out)?.[1] ?? null, bannerMs, 'the server banner'),
    exited.then((code) => {
      throw new Error(`the server exited with ${code} before listening:\n${out}`);
    }),
  ]);
  return {
    child, base, exited,
    output: () => out,
    logs: () => out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>),
    alive: () => exitCode === undefined,
    async stop(signal = 'SIGTERM') {
      if (exitCode !== undefined) return exitCode;
      child.kill(signal);
      return exited;
    },
  };
}

export interface Answer {
  status: number;
  body: string;
  headers: Headers;
  ms: number;
}

/** One HTTP call with a deadline; a network failure or timeout is an answer with status 0, never a throw. */
export async function call(base: string, method: string, url: string, options: { key?: string; body?: unknown; headers?: Record<string, string>; timeoutMs?: number } = {}): Promise<Answer> {
  const started = Date.now();
  try {
    const res = await fetch(`${base}${url}`, {
      method,
      headers: {
        ...(options.key ? { authorization: `Bearer ${options.key}` } : {}),
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...options.headers,
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
    });
    return { status: res.status, body: await res.text(), headers: res.headers, ms: Date.now() - started };
  } catch (err) {
    return { status: 0, body: String(err), headers: new Headers(), ms: Date.now() - started };
  }
}

export async function expectOk(answer: Promise<Answer>, status = 200): Promise<Record<string, unknown> & { id: string }> {
  const a = await answer;
  if (a.status !== status) throw new Error(`expected ${status}, got ${a.status}: ${a.body}`);
  return JSON.parse(a.body) as Record<string, unknown> & { id: string };
}

/** A merchant with a funded wallet and `count` USD cards, made over HTTP. */
export async function merchantWithCards(base: string, count: number): Promise<{ key: string; cards: string[] }> {
  const admin = { authorization: `Bearer ${E2E_ADMIN_TOKEN}` };
  const merchant = await expectOk(call(base, 'POST', '/admin/v1/merchants', { headers: admin, body: { name: 'E2E merchant' } }), 201);
  const key = merchant.sandbox_api_key as string;
  await expectOk(call(base, 'POST', '/v1/simulate/wallet_deposits', { key, body: { currency: 'USD', amount: 100_000_000 } }));
  const cards: string[] = [];
  for (let i = 0; i < count; i++) {
    const customer = await expectOk(call(base, 'POST', '/v1/customers', {
      key, body: validCustomer(),
    }), 201);
    const account = await expectOk(call(base, 'POST', `/v1/customers/${customer.id}/accounts`, { key, body: { currency: 'USD' } }), 201);
    cards.push((await expectOk(call(base, 'POST', `/v1/accounts/${account.id}/cards`, { key, body: { type: 'virtual' } }), 201)).id);
  }
  return { key, cards };
}
