import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.ts';
import { desEncryptBlock } from '../crypto/des.ts';
import { loadKeys, pinBlockFormat0 } from '../crypto/index.ts';

/** The link's configuration (README, Configuration; docs/iso8583.md): its variables, and the zone PIN key like the other keys. */

describe('TESSERA_ISO8583_* configuration', () => {
  it('is off by default, on 127.0.0.1, live, 5 s, 180 s idle', () => {
    expect(loadConfig({}, '/')).toMatchObject({
      iso8583Port: null, iso8583Host: '127.0.0.1', iso8583Mode: 'live', iso8583TimeoutMs: 5000, iso8583IdleTimeoutMs: 180_000, zpk: null,
    });
  });

  it('reads each variable, and 0 as "pick a free port"', () => {
    expect(loadConfig({
      TESSERA_ISO8583_PORT: '0', TESSERA_ISO8583_HOST: '0.0.0.0', TESSERA_ISO8583_MODE: 'sandbox', TESSERA_ISO8583_TIMEOUT_MS: '2500',
      TESSERA_ISO8583_IDLE_TIMEOUT_MS: '60000',
    }, '/')).toMatchObject({ iso8583Port: 0, iso8583Host: '0.0.0.0', iso8583Mode: 'sandbox', iso8583TimeoutMs: 2500, iso8583IdleTimeoutMs: 60_000 });
  });

  const bad: [string, string][] = [
    ['TESSERA_ISO8583_PORT', '70000'], ['TESSERA_ISO8583_PORT', 'x'], ['TESSERA_ISO8583_MODE', 'test'],
    ['TESSERA_ISO8583_TIMEOUT_MS', '50'], ['TESSERA_ISO8583_TIMEOUT_MS', '60000'], ['TESSERA_ISO8583_IDLE_TIMEOUT_MS', '10'],
  ];
  it.each(bad)('refuses %s=%s, naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value }, '/')).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value }, '/')).toThrow(new RegExp(`^${name}:`));
  });
});

describe('the zone PIN key is loaded like the other card keys', () => {
  const zpk = '0123456789ABCDEFFEDCBA9876543210';
  const pan = '4242424242424242';
  const dirs: string[] = [];
  const dir = () => {
    dirs.push(fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-zpk-')));
    return dirs.at(-1)!;
  };
  afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  const block = (pin: string) => desEncryptBlock(Buffer.from(zpk, 'hex'), pinBlockFormat0(pin, pan));

  it('from TESSERA_ISO8583_ZPK', async () => {
    const { provider } = loadKeys({ ...loadConfig({ TESSERA_ISO8583_ZPK: zpk }, '/'), dataDir: dir() });
    const stored = await provider.pinOffset(pan, '385912');
    expect(await provider.verifyPinBlock(pan, block('385912'), stored)).toBe('ok');
  });

  it('from `zpk` in the keys file, and never generated into the development keys', async () => {
    const d = dir();
    const file = path.join(d, 'keys.json');
    fs.writeFileSync(file, JSON.stringify({ version: 1, master_key: crypto.randomBytes(32).toString('hex'), zpk }));
    const { provider } = loadKeys({ ...loadConfig({ TESSERA_KEYS_FILE: file }, '/'), dataDir: d });
    expect(await provider.verifyPinBlock(pan, block('385912'), await provider.pinOffset(pan, '385912'))).toBe('ok');
    const dev = dir();
    loadKeys({ ...loadConfig({}, '/'), dataDir: dev });
    expect(JSON.parse(fs.readFileSync(path.join(dev, 'keys', 'card-keys.json'), 'utf8'))).not.toHaveProperty('zpk');
  });

  it('refuses a key that is not 32 hexadecimal characters', () => {
    expect(() => loadKeys({ ...loadConfig({ TESSERA_ISO8583_ZPK: 'ABCD' }, '/'), dataDir: dir() })).toThrow(/TESSERA_ISO8583_ZPK: must be 32 hex characters/);
  });
});
