import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KeyConfigError, SoftwareKeyProvider, loadKeys, type KeySource } from './keys.ts';

const hex = (s: string) => Buffer.from(s, 'hex');
const VISA_PAN = '4123456789012345';
// Visa CVV test data (see cvv.test.ts): this PAN, 8701, 101 under these CVKs → 561.
const CVK_A = '0123456789ABCDEF';
const CVK_B = 'FEDCBA9876543210';
const PVK = '0123456789ABCDEFFEDCBA9876543210';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-keys-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
let n = 0;
const dataDir = () => path.join(tmp, `data-${++n}`);
function writeJson(value: unknown): string {
  const file = path.join(tmp, `keys-${++n}.json`);
  fs.writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
}
const source = (over: Partial<KeySource> = {}): KeySource => ({ masterKey: null, masterKeyFile: null, dataDir: dataDir(), production: false, ...over });
const masterHex = () => crypto.randomBytes(32).toString('hex');

describe('SoftwareKeyProvider', () => {
  it('keeps the master key id and derive() of earlier versions', () => {
    const master = crypto.randomBytes(32);
    const keys = new SoftwareKeyProvider(master);
    const pepper = Buffer.from(crypto.hkdfSync('sha256', master, Buffer.alloc(0), 'tessera:api-key-pepper-v1', 32));
    expect(keys.derive('api-key-pepper-v1').equals(pepper)).toBe(true);
    expect(keys.masterKeyId).toBe('mk_' + crypto.createHash('sha256').update(pepper).digest('hex').slice(0, 16));
  });

  it('derives missing card keys from the master key, deterministically', async () => {
    const master = crypto.randomBytes(32);
    const [a, b, c] = [new SoftwareKeyProvider(master), new SoftwareKeyProvider(master), new SoftwareKeyProvider(crypto.randomBytes(32))];
    expect(await a.cvv(VISA_PAN, '2911', '000')).toBe(await b.cvv(VISA_PAN, '2911', '000'));
    expect(await a.fingerprint(VISA_PAN)).toBe(await b.fingerprint(VISA_PAN));
    expect(await a.fingerprint(VISA_PAN)).not.toBe(await c.fingerprint(VISA_PAN));
    const stored = await a.pinOffset(VISA_PAN, '583920');
    expect(await b.verifyPin(VISA_PAN, '583920', stored)).toBe(true);
  });

  it('computes CVVs and PIN offsets with loaded keys', async () => {
    const keys = new SoftwareKeyProvider(crypto.randomBytes(32), { cvkA: hex(CVK_A), cvkB: hex(CVK_B), pvk: hex(PVK), pvki: '3', decimalizationTable: '1234567890123456' });
    expect(await keys.cvv(VISA_PAN, '8701', '101')).toBe('561');
    expect(await keys.verifyCvv(VISA_PAN, '8701', '101', '561')).toBe(true);
    expect(await keys.verifyCvv(VISA_PAN, '8701', '101', '562')).toBe(false);
    expect(await keys.verifyCvv(VISA_PAN, '8701', '101', '56')).toBe(false);
    // psec's vector (PAN 1122334455667788 as validation data) extended to 6 digits: natural PIN 452428.
    expect(await keys.pinOffset('1122334455667788', '452428')).toEqual({ offset: '000000', pvki: '3' });
    expect(await keys.pinOffset('1122334455667788', '563539')).toEqual({ offset: '111111', pvki: '3' });
    expect(await keys.verifyPin('1122334455667788', '563539', { offset: '111111', pvki: '3' })).toBe(true);
    expect(await keys.verifyPin('1122334455667788', '563538', { offset: '111111', pvki: '3' })).toBe(false);
    expect(await keys.verifyPin('1122334455667788', '56353', { offset: '111111', pvki: '3' })).toBe(false);
    await expect(keys.verifyPin('1122334455667788', '563539', { offset: '111111', pvki: '1' })).rejects.toThrow(KeyConfigError);
    await expect(keys.pinOffset('1122334455667788', '123456')).rejects.toThrow(/checkPin/);
    await expect(keys.cvv(VISA_PAN, '0187', '101')).rejects.toThrow(/YYMM/);
  });

  it('refuses weak or malformed keys', () => {
    const m = crypto.randomBytes(32);
    expect(() => new SoftwareKeyProvider(m, { cvkA: hex(CVK_A), cvkB: hex(CVK_A) })).toThrow(/must differ/);
    expect(() => new SoftwareKeyProvider(m, { pvk: hex(CVK_A + CVK_A) })).toThrow(/halves/);
    expect(() => new SoftwareKeyProvider(m, { pvk: hex(CVK_A) })).toThrow(/16 bytes/);
    expect(() => new SoftwareKeyProvider(m, { pvki: '12' })).toThrow(/PVKI/);
    expect(() => new SoftwareKeyProvider(crypto.randomBytes(16))).toThrow(/32 bytes/);
  });
});

describe('loadKeys', () => {
  it('in production, names every missing variable', () => {
    expect(() => loadKeys(source({ production: true }))).toThrow(/^TESSERA_MASTER_KEY: required/);
    expect(() => loadKeys(source({ production: true, masterKey: masterHex(), cvkA: CVK_A }))).toThrow(
      'TESSERA_PAN_FINGERPRINT_KEY, TESSERA_CVK_B, TESSERA_PVK: required when NODE_ENV=production',
    );
  });

  it('in development, generates keys into the data directory once, with a warning', async () => {
    const s = source();
    const first = loadKeys(s);
    expect(first.warning).toMatch(/master\.key and .*card-keys\.json/);
    const file = path.join(s.dataDir, 'keys', 'card-keys.json');
    expect(fs.statSync(file).mode & 0o077).toBe(0);
    expect(Object.keys(JSON.parse(fs.readFileSync(file, 'utf8')))).toEqual(['version', 'pan_fingerprint_key', 'cvk_a', 'cvk_b', 'pvk', 'pvki', 'decimalization_table']);
    const second = loadKeys(s);
    expect(second.provider.masterKeyId).toBe(first.provider.masterKeyId);
    expect(await second.provider.cvv(VISA_PAN, '2911', '000')).toBe(await first.provider.cvv(VISA_PAN, '2911', '000'));
    expect(await second.provider.fingerprint(VISA_PAN)).toBe(await first.provider.fingerprint(VISA_PAN));
  });

  it('reads the keys file, and each variable overrides its field', async () => {
    const keysFile = writeJson({
      version: 1, master_key: masterHex(), pan_fingerprint_key: masterHex(),
      cvk_a: '0123 4567 89AB CDEF', cvk_b: CVK_B, pvk: PVK, pvki: '2', decimalization_table: '0123456789012345',
    });
    const fromFile = loadKeys(source({ production: true, keysFile }));
    expect(fromFile.warning).toBeNull();
    expect(await fromFile.provider.cvv(VISA_PAN, '8701', '101')).toBe('561');
    expect((await fromFile.provider.pinOffset(VISA_PAN, '583920')).pvki).toBe('2');
    const overridden = loadKeys(source({ production: true, keysFile, cvkA: '1111111111111111', pvki: '7' }));
    expect(await overridden.provider.cvv(VISA_PAN, '8701', '101')).not.toBe('561');
    expect((await overridden.provider.pinOffset(VISA_PAN, '583920')).pvki).toBe('7');
  });

  it('opens records of the retired master keys listed in the file', async () => {
    const old = masterHex();
    const sealed = await new SoftwareKeyProvider(hex(old)).encryptPan(VISA_PAN, 'card_1');
    const keysFile = writeJson({ master_key: masterHex(), retired_master_keys: [old] });
    const { provider } = loadKeys(source({ keysFile }));
    expect(await provider.decryptPan(sealed, 'card_1')).toBe(VISA_PAN);
  });

  it('reports bad configuration without quoting key material', () => {
    const secret = 'C0FFEE' + '0'.repeat(9);
    const cases: [Partial<KeySource>, RegExp][] = [
      [{ keysFile: writeJson(`{"cvk_a": ${secret}}`) }, /TESSERA_KEYS_FILE: cannot read .* as JSON/],
      [{ keysFile: writeJson({ cvka: secret }) }, /unknown field "cvka"/],
      [{ keysFile: writeJson({ cvk_a: secret }) }, /TESSERA_KEYS_FILE "cvk_a": must be 16 hex characters/],
      [{ keysFile: writeJson({ version: 2 }) }, /"version" must be 1/],
      [{ keysFile: path.join(tmp, 'missing.json') }, /cannot read/],
      [{ cvkB: secret }, /^TESSERA_CVK_B: must be 16 hex characters/],
      [{ pvk: secret }, /^TESSERA_PVK: must be 32 hex characters/],
      [{ decimalizationTable: '0123' }, /^TESSERA_DECIMALIZATION_TABLE: must be 16 decimal digits/],
    ];
    for (const [over, message] of cases) {
      let error: unknown;
      try {
        loadKeys(source({ masterKey: masterHex(), ...over }));
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(KeyConfigError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain(secret);
    }
  });
});
