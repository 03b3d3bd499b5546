import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SoftwareKeyProvider } from './software.ts';
import { SEAL_MAX_BYTES, SEALED_VERSION, VaultError, sealedKeyId } from './vault.ts';

const keys = new SoftwareKeyProvider(crypto.randomBytes(32));
const PAN = '5323123412349217';

describe('PAN vault', () => {
  it('round-trips a PAN and never repeats a ciphertext', async () => {
    const a = await keys.encryptPan(PAN, 'card_1');
    const b = await keys.encryptPan(PAN, 'card_1');
    expect(await keys.decryptPan(a, 'card_1')).toBe(PAN);
    expect(a.equals(b)).toBe(false);
    expect(a[0]).toBe(SEALED_VERSION);
    expect(sealedKeyId(a)).toBe(keys.masterKeyId);
    expect(a.includes(Buffer.from(PAN))).toBe(false);
    // Compact: header, wrapped data key, iv and tag cost about 110 bytes.
    expect(a.length).toBeLessThan(PAN.length + 128);
  });

  it('refuses another row, another purpose and another master key', async () => {
    const sealed = await keys.encryptPan(PAN, 'card_1');
    await expect(keys.decryptPan(sealed, 'card_2')).rejects.toThrow(VaultError);
    await expect(keys.decryptPan(sealed)).rejects.toThrow(VaultError);
    await expect(keys.open(sealed, 'kyc-document:v1:card_1')).rejects.toThrow(VaultError);
    const other = new SoftwareKeyProvider(crypto.randomBytes(32));
    await expect(other.decryptPan(sealed, 'card_1')).rejects.toThrow(/is not loaded/);
  });

  it('detects tampering anywhere in the record', async () => {
    const sealed = await keys.encryptPan(PAN);
    for (const at of [1, 5, 30, sealed.length - 20, sealed.length - 1]) {
      const bad = Buffer.from(sealed);
      bad[at]! ^= 0x01;
      await expect(keys.decryptPan(bad)).rejects.toThrow(VaultError);
    }
    await expect(keys.decryptPan(sealed.subarray(0, 40))).rejects.toThrow(VaultError);
    await expect(keys.decryptPan(Buffer.from([9, 9, 9, 9]))).rejects.toThrow(/known version/);
  });

  it('opens what a retired master key sealed after rotation', async () => {
    const old = crypto.randomBytes(32);
    const before = await new SoftwareKeyProvider(old).encryptPan(PAN, 'card_1');
    const rotated = new SoftwareKeyProvider(crypto.randomBytes(32), { retiredMasterKeys: [old] });
    expect(await rotated.decryptPan(before, 'card_1')).toBe(PAN);
    const after = await rotated.encryptPan(PAN, 'card_1');
    expect(sealedKeyId(after)).toBe(rotated.masterKeyId);
    expect(sealedKeyId(before)).not.toBe(rotated.masterKeyId);
  });

  it('seals documents up to the limit', async () => {
    const image = crypto.randomBytes(SEAL_MAX_BYTES);
    const sealed = await keys.seal(image, 'kyc-document:v1:doc_1');
    expect((await keys.open(sealed, 'kyc-document:v1:doc_1')).equals(image)).toBe(true);
    await expect(keys.seal(Buffer.alloc(SEAL_MAX_BYTES + 1), 'kyc-document:v1:doc_1')).rejects.toThrow(/at most/);
    expect((await keys.open(await keys.seal(Buffer.alloc(0), 'empty'), 'empty')).length).toBe(0);
  });
});
