import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { Writable } from 'node:stream';
import pino from 'pino';
import { buildApp, type BuildOptions } from '../../src/app.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { verifyAuditChain } from '../../src/audit/index.ts';
import { ManualClock } from '../../src/lib/clock.ts';
import { adminHeaders, bearer, buildTestApp, createMerchant, testConfig, type TestApp } from '../harness.ts';
import { customerWithAccount, issueCard, revealKey } from '../fixtures/flows.ts';
import { kazepay, type KazePayCredentials } from '@tessera/sdk';

const { buildRequest, openResponse } = kazepay;

const REDIS_URL = 'redis://127.0.0.1:6379';

/** Whether the Redis of this machine answers; the tests that need it say why they skip. */
async function redisReachable(): Promise<boolean> {
  const probe = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => {});
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch (err) {
    console.log(`rate-limit.test.ts: Redis at ${REDIS_URL} is not reachable (${(err as Error).message}): skipping the shared-limit test.`);
    return false;
  } finally {
    probe.disconnect();
  }
}
const redisUp = await redisReachable();

let t: TestApp;
let m: { id: string; key: string };
let other: { id: string; key: string };
const apps: FastifyInstance[] = [];

beforeAll(async () => {
  t = await buildTestApp();
  m = await createMerchant(t.app, 'Limited Co');
  other = await createMerchant(t.app, 'Other Co');
});
afterAll(async () => {
  for (const app of apps) await app.close();
  await t.close();
});

/** Another app process on the same database, with its own limits (and counters); merchants are set up through t.app. */
async function limitedApp(config: Partial<Config>, clock = t.clock, logger: BuildOptions['logger'] = false): Promise<FastifyInstance> {
  const app = await buildApp({ config: testConfig(config), db: t.db, clock, keys: t.keys }, { logger });
  await app.ready();
  apps.push(app);
  return app;
}

const wrongKey = () => `sk_sandbox_${crypto.randomBytes(32).toString('base64url')}`;
const auditCount = async (action: string) =>
  (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log WHERE action = $1', [action])).rows[0]!.n;

async function liveKey(merchantId: string): Promise<string> {
  await t.app.inject({ method: 'POST', url: `/admin/v1/merchants/${merchantId}/live_access`, headers: adminHeaders });
  const res = await t.app.inject({ method: 'POST', url: `/admin/v1/merchants/${merchantId}/keys`, headers: adminHeaders, payload: { mode: 'live' } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().api_key;
}

describe('requests are counted per key, whatever the credential looks like', () => {
  it('every spelling of Bearer and every token minted from one key share its bucket; other keys have their own', async () => {
    const app = await limitedApp({ rateLimitMax: 6, rateLimitWindowMs: 60_000 });
    const me = (authorization: string) => app.inject({ url: '/v1/merchant', headers: { authorization } });
    const tokens = [];
    for (let i = 0; i < 2; i++) {
      const res = await app.inject({ method: 'POST', url: '/v1/auth/token', headers: bearer(m.key) });
      expect(res.statusCode, res.body).toBe(200);
      tokens.push(res.json().token as string);
    }
    expect(tokens[0]).not.toBe(tokens[1]);
    const spellings = ['Bearer', 'bearer', 'BEARER', 'BeArEr'].map((scheme) => `${scheme} ${m.key}`);
    for (const authorization of spellings) expect((await me(authorization)).statusCode).toBe(200);
    for (const authorization of [...spellings, ...tokens.map((tok) => `bEaReR ${tok}`)]) {
      const res = await me(authorization);
      expect(res.statusCode).toBe(429);
      expect(res.json().error.code).toBe('rate_limited');
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      expect(res.headers['ratelimit-remaining']).toBe('0');
    }
    expect((await me(`Bearer ${other.key}`)).statusCode).toBe(200);
  });

  it('per second by mode by default, with RateLimit headers; the operator and addresses have their own buckets', async () => {
    const d = loadConfig({});
    const app = await limitedApp({
      rateLimitMax: d.rateLimitMax, rateLimitWindowMs: d.rateLimitWindowMs, rateLimitLivePerSecond: d.rateLimitLivePerSecond,
      rateLimitSandboxPerSecond: d.rateLimitSandboxPerSecond, rateLimitAddressPerSecond: d.rateLimitAddressPerSecond,
    });
    const live = await liveKey(other.id);
    const headersOf = async (url: string, headers: Record<string, string> = {}) => {
      const res = await app.inject({ url, headers });
      expect(res.statusCode, res.body).toBe(200);
      return [res.headers['ratelimit-limit'], res.headers['ratelimit-remaining'], res.headers['ratelimit-reset']];
    };
    expect(await headersOf('/v1/merchant', bearer(m.key))).toEqual(['25', '24', '1']);
    expect(await headersOf('/v1/merchant', bearer(live))).toEqual(['100', '99', '1']);
    expect(await headersOf('/admin/v1/merchants', adminHeaders)).toEqual(['100', '99', '1']);
    expect(await headersOf('/health')).toEqual(['50', '49', '1']);

    const burst = await Promise.all(Array.from({ length: 60 }, () => app.inject({ url: '/v1/merchant', headers: bearer(m.key) })));
    const refused = burst.filter((r) => r.statusCode === 429);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]!.headers['retry-after']).toBe('1');
  });

  it('TESSERA_RATE_LIMIT_MAX alone keeps its meaning: that many requests per key per minute, in every mode', async () => {
    const env = loadConfig({ TESSERA_RATE_LIMIT_MAX: '3' });
    expect([env.rateLimitMax, env.rateLimitWindowMs]).toEqual([3, 60_000]);
    const app = await limitedApp({ rateLimitMax: env.rateLimitMax, rateLimitWindowMs: env.rateLimitWindowMs });
    const live = await liveKey(m.id);
    for (const key of [m.key, live]) {
      const codes = [];
      for (let i = 0; i < 4; i++) codes.push((await app.inject({ url: '/v1/merchant', headers: bearer(key) })).statusCode);
      expect(codes).toEqual([200, 200, 200, 429]);
    }
  });
});

/** A gateway key registered with this API key (whose scopes the gateway acts with), and a client for it. */
async function kazepayGateway(apiKey: string): Promise<KazePayCredentials> {
  const pair = crypto.generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
  const res = await t.app.inject({ method: 'PUT', url: '/v1/gateway_keys', headers: bearer(apiKey), payload: { public_key_pem: pair.publicKey } });
  expect(res.statusCode, res.body).toBe(200);
  return { sysId: res.json().sys_id, merchantPrivateKey: pair.privateKey, gatewayPublicKey: res.json().gateway_public_key_pem };
}

describe('card reveals: 30 a minute per key, on every surface and whatever the spelling', () => {
  it('native, KrezyPay and KazePay reveals share one bucket per key; the key can still do everything else', async () => {
    const app = await limitedApp({});
    const { accountId } = await customerWithAccount(t.app, m.key);
    const card = await issueCard(t.app, m.key, accountId);
    const revealer = await revealKey(t.app, m.id);
    const gateway = await kazepayGateway(revealer);
    const native = (scheme: string, key = revealer) => app.inject({ url: `/v1/cards/${card.id}/details`, headers: { authorization: `${scheme} ${key}` } });
    const krezy = (key = revealer) => app.inject({
      method: 'POST', url: '/krezypay/v1/sandbox/card/retrieve_card_details', headers: bearer(key), payload: { card_id: card.id },
    });
    const queryCard = async () => {
      const request = buildRequest(gateway, 'queryCard', { cardID: card.id });
      const res = await app.inject({ method: 'POST', url: '/kazepay/gateway', payload: request });
      expect(res.statusCode, res.body).toBe(200);
      return openResponse(gateway, res.json(), request.head).result as Record<string, unknown>;
    };
    const schemes = ['Bearer', 'bearer', 'BEARER'];
    for (let i = 0; i < 30; i++) {
      if (i % 3 === 2) {
        expect(await queryCard()).toMatchObject({ encrypt: 'SUCCESS', cardID: card.id });
        continue;
      }
      const res = i % 3 === 0 ? await native(schemes[i % 4 === 0 ? 0 : 1]!) : await krezy();
      expect(res.statusCode, res.body).toBe(200);
    }
    for (const scheme of schemes) {
      const res = await native(scheme);
      expect(res.statusCode).toBe(429);
      expect(res.json().error.code).toBe('rate_limited');
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    }
    const facade = await krezy();
    expect(facade.statusCode).toBe(429);
    expect(facade.json().status).toBe('error');
    expect(await queryCard()).toMatchObject({ encrypt: 'FAILED', code: 'rate_limited' });
    expect((await app.inject({ url: `/v1/cards/${card.id}`, headers: bearer(revealer) })).statusCode).toBe(200);
    expect((await native('Bearer', await revealKey(t.app, m.id))).statusCode).toBe(200);
  });
});

describe('failed authentication: limited per address, audited per address and minute', () => {
  it('many different wrong keys from one address get 429 after the limit and write one row, then a summary with the count', async () => {
    const clock = new ManualClock(new Date('2026-11-23T08:00:10Z'));
    const app = await limitedApp({ authFailuresPerMinute: 5 }, clock);
    const [failuresBefore, summariesBefore] = [await auditCount('auth.failure'), await auditCount('auth.failure.summary')];
    const codes: number[] = [];
    for (let i = 0; i < 200; i++) {
      const res = await app.inject({ url: '/v1/merchant', headers: bearer(wrongKey()) });
      codes.push(res.statusCode);
      if (i === 100) expect((await app.inject({ url: '/v1/merchant', headers: bearer(m.key) })).statusCode).toBe(200);
    }
    expect(codes.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(new Set(codes.slice(5))).toEqual(new Set([429]));
    const elsewhere = await app.inject({ url: '/v1/merchant', headers: bearer(wrongKey()), remoteAddress: '203.0.113.9' });
    expect(elsewhere.statusCode).toBe(401);
    expect(elsewhere.json().error.code).toBe('invalid_api_key');
    expect(await auditCount('auth.failure')).toBe(failuresBefore + 2);

    clock.advance(60_000);
    await app.failureAudit.flushDue();
    expect(await auditCount('auth.failure.summary')).toBe(summariesBefore + 1);
    const summary = await t.db.query<{ origin: string; details: { count: number; codes: Record<string, number>; from: string } }>(
      "SELECT origin, details FROM audit_log WHERE action = 'auth.failure.summary' ORDER BY seq DESC LIMIT 1");
    expect(summary.rows[0]).toMatchObject({ origin: '127.0.0.1', details: { count: 200, codes: { invalid_api_key: 200 }, from: '2026-11-23T08:00:00.000Z' } });
    expect((await verifyAuditChain(t.db)).brokenAt).toBeNull();
  });

  it('below the limit too, a flood writes one row at once and its count when the app closes', async () => {
    const app = await buildApp({ config: testConfig(), db: t.db, clock: new ManualClock(new Date('2026-11-24T09:00:00Z')), keys: t.keys }, { logger: false });
    await app.ready();
    const [failuresBefore, summariesBefore] = [await auditCount('auth.failure'), await auditCount('auth.failure.summary')];
    const answers = await Promise.all(Array.from({ length: 50 }, () => app.inject({ url: '/v1/merchant', headers: bearer(wrongKey()), remoteAddress: '198.51.100.7' })));
    expect(answers.every((r) => r.statusCode === 401)).toBe(true);
    expect(await auditCount('auth.failure')).toBe(failuresBefore + 1);
    await app.close();
    expect(await auditCount('auth.failure.summary')).toBe(summariesBefore + 1);
    const row = await t.db.query<{ details: { count: number } }>("SELECT details FROM audit_log WHERE action = 'auth.failure.summary' AND origin = '198.51.100.7'");
    expect(row.rows.map((r) => r.details.count)).toEqual([50]);
    expect((await verifyAuditChain(t.db)).brokenAt).toBeNull();
  });

  it('KazePay envelopes that cannot be verified count as failed authentications of their address', async () => {
    const clock = new ManualClock(new Date('2026-11-25T10:00:00Z'));
    const app = await limitedApp({ authFailuresPerMinute: 3 }, clock);
    const before = await auditCount('kazepay.verify_failure');
    const gateway = await kazepayGateway(m.key);
    const impostor = { ...gateway, merchantPrivateKey: crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey };
    const codes = [];
    for (let i = 0; i < 20; i++) {
      const forged = buildRequest(impostor, 'queryUcardKycStatus', { email: 'a@example.com' });
      const res = await app.inject({ method: 'POST', url: '/kazepay/gateway', payload: forged, remoteAddress: '198.51.100.20' });
      codes.push(`${res.statusCode} ${res.json().head.code}`);
    }
    expect(codes.slice(0, 3)).toEqual(Array(3).fill('401 VERIFY_FAILED'));
    expect(new Set(codes.slice(3))).toEqual(new Set(['429 RATE_LIMITED']));
    expect(await auditCount('kazepay.verify_failure')).toBe(before + 1);
    clock.advance(60_000);
    await app.failureAudit.flushDue();
    const summary = await t.db.query<{ details: { count: number; codes: Record<string, number> } }>(
      "SELECT details FROM audit_log WHERE action = 'kazepay.verify_failure.summary' AND origin = '198.51.100.20'");
    expect(summary.rows.map((r) => r.details)).toMatchObject([{ count: 20, codes: { bad_signature: 20 } }]);
  });

  it('unknown paths and public routes are limited per address', async () => {
    const app = await limitedApp({ rateLimitMax: 3, rateLimitWindowMs: 60_000 });
    const codes = [];
    for (let i = 0; i < 4; i++) codes.push((await app.inject({ url: `/v1/no-such-thing-${i}`, headers: bearer(m.key), remoteAddress: '192.0.2.1' })).statusCode);
    expect(codes).toEqual([404, 404, 404, 429]);
    expect((await app.inject({ url: '/health', remoteAddress: '192.0.2.1' })).statusCode).toBe(429);
    expect((await app.inject({ url: '/health', remoteAddress: '192.0.2.2' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/v1/merchant', headers: bearer(m.key), remoteAddress: '192.0.2.1' })).statusCode).toBe(200);
  });
});

describe('several processes: counters in Redis', () => {
  it.skipIf(!redisUp)('two app instances sharing Redis share a limit', async () => {
    const prefix = `tessera-test-${crypto.randomBytes(6).toString('hex')}:`;
    const config = { redisUrl: REDIS_URL, redisKeyPrefix: prefix, rateLimitMax: 4, rateLimitWindowMs: 60_000 };
    // Warnings to stderr: a fallback to per-process counting (Redis slow or away) would explain a failure here.
    const warnings = () => pino({ level: 'warn' }, process.stderr) as never;
    const [a, b] = [await limitedApp(config, t.clock, warnings()), await limitedApp(config, t.clock, warnings())];
    const codes = [];
    for (const app of [a, b, a, b, a, b]) codes.push((await app.inject({ url: '/v1/merchant', headers: bearer(m.key) })).statusCode);
    expect(codes).toEqual([200, 200, 200, 200, 429, 429]);
    const redis = new Redis(REDIS_URL);
    try {
      const keys = await redis.keys(`${prefix}*`);
      expect(keys.length).toBeGreaterThan(0);
      expect(keys.join(' ')).not.toContain(m.key);
      await redis.del(...keys);
    } finally {
      redis.disconnect();
    }
  });

  it('an unreachable Redis neither crashes nor hangs requests: limits hold per process meanwhile', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, cb) => void (lines.push(String(chunk)), cb()) });
    const config = { redisUrl: 'redis://:secret-password@127.0.0.1:1', rateLimitMax: 2, rateLimitWindowMs: 60_000 };
    const app = await limitedApp(config, t.clock, pino({ level: 'warn' }, sink) as never);
    const started = Date.now();
    const codes = [];
    for (let i = 0; i < 3; i++) codes.push((await app.inject({ url: '/v1/merchant', headers: bearer(m.key) })).statusCode);
    expect(codes).toEqual([200, 200, 429]);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(lines.join('')).toContain('Redis unreachable');
    expect(lines.join('')).not.toContain('secret-password');
  });
});
