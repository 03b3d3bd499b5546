import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import rateLimit, { normalizeIP } from '@fastify/rate-limit';
import { Redis } from 'ioredis';
import type { Config } from '../../config.ts';
import { DomainError } from '../../lib/errors.ts';
import type { Principal } from '../../merchants/index.ts';

/**
 * Rate limits by principal (SPEC §7): a request is counted once its caller is
 * known (http/plugins/auth.ts authenticates first, in onRequest, before the
 * body is read), so every spelling of the Authorization header and every token
 * minted from one key share the key's bucket. Buckets:
 *   key            per API key id, per second by mode (a token counts against the key that minted it);
 *   operator       the admin token;
 *   address        per client address: public routes, unknown paths, a disabled admin API;
 *   auth_failures  per client address, per minute: failed authentications, counted before they are audited;
 *   reveals        per key, per minute: card number reveals on every surface (native, KrezyPay, KazePay).
 * TESSERA_RATE_LIMIT_MAX / _WINDOW_MS, when set, replace the key, operator and address limits, never the last two.
 *
 * Counters live in Redis when TESSERA_REDIS_URL is set, so that they hold across processes, else in this process.
 * When Redis fails or is slow, counting falls back to this process for a moment: limits then hold per process (never
 * lifted, never blocking), and a request waits at most REDIS_COMMAND_TIMEOUT_MS for Redis.
 */

/** Why 30 a minute: a person looking at a card, not a script exporting numbers. */
export const REVEALS_PER_MINUTE_MAX = 30;
/**
 * Why 100,000: counters held in this process (least recently used first out); a busy key must not lose its count to
 * a crowd of other subjects within one window. A counter is under 100 bytes.
 */
const LOCAL_COUNTERS_MAX = 100_000;
/**
 * Why 1 s: Redis on the same network answers in about a millisecond, so this only catches a Redis in trouble; shorter
 * would mistake a busy event loop here (garbage collection, the embedded database) for a slow Redis.
 */
const REDIS_COMMAND_TIMEOUT_MS = 1000;
/** Why 1 s: after a Redis error, counting stays in the process this long before Redis is tried again, so an outage costs each request nothing. */
const REDIS_RETRY_AFTER_MS = 1000;
/** Why 2 s: reconnection attempts back off to one every 2 s while Redis is away, each given as long to connect. */
const REDIS_RECONNECT_MAX_MS = 2000;
const SECOND_MS = 1000;
const MINUTE_MS = 60_000;

export type Bucket =
  | { kind: 'key'; principal: Principal }
  | { kind: 'operator' }
  | { kind: 'address' }
  | { kind: 'auth_failures' }
  | { kind: 'reveals'; keyId: string };

export interface Limit {
  max: number;
  windowMs: number;
}

export interface Verdict {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window starts over. */
  resetSeconds: number;
}

export interface RateLimits {
  /** Count the request against a bucket: RateLimit-* headers, and 429 `rate_limited` with Retry-After over the limit. */
  charge(request: FastifyRequest, reply: FastifyReply, bucket: Bucket): Promise<void>;
  /** Count against a bucket and say whether it is allowed; for callers that answer in their own shape. */
  take(request: FastifyRequest, bucket: Bucket): Promise<Verdict>;
}

declare module 'fastify' {
  interface FastifyInstance {
    rateLimits: RateLimits;
  }
}

export function limitsOf(config: Config): Record<Bucket['kind'] | 'sandbox', Limit> {
  const perSecond = (max: number) => ({ max, windowMs: SECOND_MS });
  const set = config.rateLimitMax !== null || config.rateLimitWindowMs !== null;
  const window = set ? { max: config.rateLimitMax ?? 600, windowMs: config.rateLimitWindowMs ?? MINUTE_MS } : null;
  return {
    key: window ?? perSecond(config.rateLimitLivePerSecond),
    sandbox: window ?? perSecond(config.rateLimitSandboxPerSecond),
    operator: window ?? perSecond(config.rateLimitLivePerSecond),
    address: window ?? perSecond(config.rateLimitAddressPerSecond),
    auth_failures: { max: config.authFailuresPerMinute, windowMs: MINUTE_MS },
    reveals: { max: REVEALS_PER_MINUTE_MAX, windowMs: MINUTE_MS },
  };
}

/** What a request is counted under; never a secret (key ids and addresses only). */
function counterKey(request: FastifyRequest, bucket: Bucket): string {
  switch (bucket.kind) {
    case 'key': return `key:${bucket.principal.keyId}`;
    case 'reveals': return `reveals:${bucket.keyId}`;
    case 'operator': return 'operator';
    // IPv6 by /64: one host holds a whole /64 and could rotate through it.
    case 'address': return `address:${normalizeIP(request.ip)}`;
    case 'auth_failures': return `auth_failures:${normalizeIP(request.ip)}`;
  }
}

interface Charge extends Limit {
  key: string;
}
type Counter = (request: FastifyRequest, charge: Charge) => Promise<Verdict>;

// @fastify/rate-limit reads the key, max and window from the request; one request is charged to several buckets in
// turn, so the charge being counted rides on the request for the length of one call.
const CHARGE = Symbol('tessera.rateLimitCharge');
type Charged = FastifyRequest & { [CHARGE]?: Charge };
const chargeOf = (request: FastifyRequest): Charge => (request as Charged)[CHARGE]!;

/** A counter over @fastify/rate-limit's store (Redis or in-process), in a scope of its own so that it adds no route hooks. */
async function counter(app: FastifyInstance, store: { redis: Redis; nameSpace: string } | null): Promise<Counter> {
  let check: ReturnType<FastifyInstance['createRateLimit']> | undefined;
  await app.register(async (scope) => {
    await scope.register(rateLimit, {
      global: false, skipOnError: false, cache: LOCAL_COUNTERS_MAX, ...(store ?? {}),
      keyGenerator: (request) => chargeOf(request).key,
      max: (request) => chargeOf(request).max,
      timeWindow: (request) => chargeOf(request).windowMs,
    });
    check = scope.createRateLimit();
  });
  return async (request, charge) => {
    (request as Charged)[CHARGE] = charge;
    const result = await check!(request);
    if (result.isAllowed) return { allowed: true, limit: charge.max, remaining: charge.max, resetSeconds: 0 };
    return { allowed: !result.isExceeded, limit: result.max, remaining: result.remaining, resetSeconds: Math.max(1, result.ttlInSeconds) };
  };
}

function connectRedis(app: FastifyInstance, url: string): { redis: Redis; onError: (err: unknown) => void } {
  let healthy = true;
  const onError = (err: unknown) => {
    if (!healthy) return;
    healthy = false;
    // The message only: the URL may carry a password, and it is never logged.
    const reason = err instanceof Error ? err.message : String(err);
    app.log.warn({ reason }, 'Redis unreachable: rate limits are counted per process until it is back');
  };
  const redis = new Redis(url, {
    // A command while disconnected fails at once (and counting falls back) instead of waiting in a queue.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
    connectTimeout: REDIS_RECONNECT_MAX_MS,
    retryStrategy: (attempt) => Math.min(attempt * 200, REDIS_RECONNECT_MAX_MS),
  });
  redis.on('error', onError);
  redis.on('ready', () => {
    if (healthy) return;
    healthy = true;
    app.log.info('Redis reachable again: rate limits are shared across processes');
  });
  app.addHook('onClose', async () => {
    redis.disconnect();
  });
  return { redis, onError };
}

/** The first requests are counted in Redis too, unless it is away: then start at once, counting in the process. */
async function firstConnection(redis: Redis): Promise<void> {
  let done = () => {};
  const settled = new Promise<void>((resolve) => {
    done = resolve;
  });
  const timer = setTimeout(done, REDIS_RECONNECT_MAX_MS);
  redis.once('ready', done);
  redis.once('error', done);
  await settled;
  clearTimeout(timer);
  redis.off('ready', done);
  redis.off('error', done);
}

export async function registerRateLimits(app: FastifyInstance): Promise<RateLimits> {
  const { config } = app.deps;
  const limits = limitsOf(config);
  const local = await counter(app, null);
  let count: Counter = local;
  if (config.redisUrl !== null) {
    const { redis, onError } = connectRedis(app, config.redisUrl);
    await firstConnection(redis);
    const shared = await counter(app, { redis, nameSpace: `${config.redisKeyPrefix}ratelimit:` });
    let sharedAfter = 0;
    count = async (request, charge) => {
      if (Date.now() >= sharedAfter) {
        try {
          return await shared(request, charge);
        } catch (err) {
          sharedAfter = Date.now() + REDIS_RETRY_AFTER_MS;
          onError(err);
        }
      }
      return local(request, charge);
    };
  }

  const take = (request: FastifyRequest, bucket: Bucket) => {
    const limit = bucket.kind === 'key' && bucket.principal.mode === 'sandbox' ? limits.sandbox : limits[bucket.kind];
    return count(request, { key: counterKey(request, bucket), ...limit });
  };
  const result: RateLimits = {
    take,
    async charge(request, reply, bucket) {
      const verdict = await take(request, bucket);
      // Several buckets may count one request: the headers tell of the one closest to its limit.
      const shown = reply.getHeader('RateLimit-Remaining');
      if (shown === undefined || verdict.remaining <= Number(shown)) {
        reply.header('RateLimit-Limit', verdict.limit);
        reply.header('RateLimit-Remaining', verdict.remaining);
        reply.header('RateLimit-Reset', verdict.resetSeconds);
      }
      if (verdict.allowed) return;
      reply.header('Retry-After', verdict.resetSeconds);
      throw new DomainError('rate_limited', `Too many requests; retry in ${verdict.resetSeconds} seconds.`);
    },
  };
  app.decorate('rateLimits', result);
  return result;
}
