import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('has documented defaults', () => {
    const c = loadConfig({}, '/srv');
    expect(c).toMatchObject({ port: 8080, host: '127.0.0.1', databaseUrl: null, dataDir: '/srv/.tessera', adminToken: null, logLevel: 'info' });
    expect(Object.isFrozen(c)).toBe(true);
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
});
