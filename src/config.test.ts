import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('has documented defaults', () => {
    const c = loadConfig({}, '/srv');
    expect(c).toMatchObject({ port: 8080, host: '127.0.0.1', databaseUrl: null, dataDir: '/srv/.tessera', adminToken: null, logLevel: 'info' });
    expect(Object.isFrozen(c)).toBe(true);
    expect(c.authorizationLanes).toBeNull();
    expect(loadConfig({ TESSERA_AUTHORIZATION_LANES: '2' }, '/srv').authorizationLanes).toBe(2);
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ TESSERA_ADMIN_TOKEN: 'short' }, 'TESSERA_ADMIN_TOKEN'],
    [{ TESSERA_MASTER_KEY: 'a', TESSERA_MASTER_KEY_FILE: 'b' }, 'TESSERA_MASTER_KEY'],
    [{ TESSERA_RATE_LIMIT_MAX: '0' }, 'TESSERA_RATE_LIMIT_MAX'],
    [{ TESSERA_AUTHORIZATION_LANES: '3' }, 'TESSERA_AUTHORIZATION_LANES'],
    [{ TESSERA_AUTHORIZATION_LANES: '16' }, 'TESSERA_AUTHORIZATION_LANES'],
    [{ TESSERA_RATE_LIMIT_WINDOW_MS: '10' }, 'TESSERA_RATE_LIMIT_WINDOW_MS'],
    [{ TESSERA_RATE_LIMIT_LIVE_PER_SECOND: '0' }, 'TESSERA_RATE_LIMIT_LIVE_PER_SECOND'],
    [{ TESSERA_RATE_LIMIT_SANDBOX_PER_SECOND: 'many' }, 'TESSERA_RATE_LIMIT_SANDBOX_PER_SECOND'],
    [{ TESSERA_RATE_LIMIT_ADDRESS_PER_SECOND: '-1' }, 'TESSERA_RATE_LIMIT_ADDRESS_PER_SECOND'],
    [{ TESSERA_RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: '0' }, 'TESSERA_RATE_LIMIT_AUTH_FAILURES_PER_MINUTE'],
    [{ TESSERA_REDIS_URL: 'http://127.0.0.1:6379' }, 'TESSERA_REDIS_URL'],
    [{ TESSERA_BIN_VISA: '512345' }, 'TESSERA_BIN_VISA'],
    [{ TESSERA_BIN_MASTERCARD: '55' }, 'TESSERA_BIN_MASTERCARD'],
  ])('refuses %o naming %s', (env, variable) => {
    try {
      loadConfig(env as Record<string, string>);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).variable).toBe(variable);
      expect((err as Error).message.startsWith(`${variable}:`)).toBe(true);
    }
  });

  it('reads every variable', () => {
    const c = loadConfig({
      PORT: '9000', HOST: '0.0.0.0', DATABASE_URL: 'postgres://u@h:5432/d', TESSERA_DATA_DIR: '/data',
      TESSERA_ADMIN_TOKEN: 'a'.repeat(20), LOG_LEVEL: 'warn', TESSERA_MASTER_KEY_FILE: 'k.key',
    }, '/srv');
    expect(c).toMatchObject({ port: 9000, host: '0.0.0.0', databaseUrl: 'postgres://u@h:5432/d', dataDir: '/data', logLevel: 'warn', masterKeyFile: '/srv/k.key' });
  });

  it('rate limits: per second by mode by default; TESSERA_RATE_LIMIT_MAX and _WINDOW_MS keep their meaning when set', () => {
    expect(loadConfig({})).toMatchObject({
      rateLimitMax: null, rateLimitWindowMs: null, rateLimitLivePerSecond: 100, rateLimitSandboxPerSecond: 25,
      rateLimitAddressPerSecond: 50, authFailuresPerMinute: 30, redisUrl: null, redisKeyPrefix: 'tessera:',
    });
    expect(loadConfig({ TESSERA_RATE_LIMIT_MAX: '1000000' })).toMatchObject({ rateLimitMax: 1_000_000, rateLimitWindowMs: 60_000 });
    expect(loadConfig({ TESSERA_RATE_LIMIT_WINDOW_MS: '1000' })).toMatchObject({ rateLimitMax: 600, rateLimitWindowMs: 1000 });
    expect(loadConfig({
      TESSERA_RATE_LIMIT_MAX: '50', TESSERA_RATE_LIMIT_WINDOW_MS: '2000', TESSERA_RATE_LIMIT_LIVE_PER_SECOND: '200',
      TESSERA_RATE_LIMIT_SANDBOX_PER_SECOND: '10', TESSERA_RATE_LIMIT_ADDRESS_PER_SECOND: '5', TESSERA_RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: '3',
      TESSERA_REDIS_URL: 'rediss://u:p@redis.internal:6380/2', TESSERA_REDIS_KEY_PREFIX: 'acme:',
    })).toMatchObject({
      rateLimitMax: 50, rateLimitWindowMs: 2000, rateLimitLivePerSecond: 200, rateLimitSandboxPerSecond: 10, rateLimitAddressPerSecond: 5,
      authFailuresPerMinute: 3, redisUrl: 'rediss://u:p@redis.internal:6380/2', redisKeyPrefix: 'acme:',
    });
  });

  it('never repeats a Redis URL, which may hold a password, in its error', () => {
    for (const url of ['redis://:hunter2@[bad', 'http://:hunter2@host']) {
      expect(() => loadConfig({ TESSERA_REDIS_URL: url })).toThrow(ConfigError);
      try {
        loadConfig({ TESSERA_REDIS_URL: url });
      } catch (err) {
        expect((err as Error).message).not.toContain('hunter2');
      }
    }
  });
});
