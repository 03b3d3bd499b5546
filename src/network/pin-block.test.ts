import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { desDecryptBlock, desEncryptBlock } from '../crypto/des.ts';
import { pinBlockFormat0, pinFromFormat0 } from '../crypto/pin-block.ts';
import { KeyConfigError, SoftwareKeyProvider } from '../crypto/keys.ts';

const hex = (s: string) => Buffer.from(s, 'hex');

describe('ISO 9564-1 format 0 PIN blocks (DE 52)', () => {
  // Published examples:
  //  - ID TECH knowledge base, "PIN block formats", ISO-0 example: PAN 43219876543210987, PIN 1234 → 0412AC89ABCDEF67.
  //  - Thales payShield host command reference, PIN block format 01 (ANSI X9.8 / ISO 9564-1 format 0):
  //    PIN 92389, account number 4000 0012 3456 2 → 0592 789F FFED CBA9.
  const vectors: [pan: string, pin: string, block: string][] = [
    ['43219876543210987', '1234', '0412AC89ABCDEF67'],
    ['4000001234562', '92389', '0592789FFFEDCBA9'],
  ];
  it.each(vectors)('PAN %s, PIN %s → %s, and back', (pan, pin, block) => {
    expect(pinBlockFormat0(pin, pan).toString('hex').toUpperCase()).toBe(block);
    expect(pinFromFormat0(hex(block), pan)).toBe(pin);
  });

  it('uses the 12 digits before the check digit, zero-filled when the PAN is short', () => {
    // 12-digit PAN: 11 digits before the check digit, one zero on the left.
    expect(pinFromFormat0(pinBlockFormat0('123456', '123456789012'), '123456789012')).toBe('123456');
  });

  const unreadable: [string, string][] = [
    ['a control nibble other than 0 (format 1)', '1412AC89ABCDEF67'],
    ['a PIN length under 4', '0312AC89ABCDEF67'],
    ['a PIN length over 12', '0D12AC89ABCDEF67'],
    ['a fill nibble other than F', '0412AC89ABCDEF66'],
    ['a PIN digit above 9', '041AAC89ABCDEF67'],
  ];
  it.each(unreadable)('does not read a block with %s', (_why, block) => {
    expect(pinFromFormat0(hex(block), '43219876543210987')).toBeNull();
  });
});

describe('3DES under the zone PIN key', () => {
  // FIPS PUB 81, appendix B, ECB example: key 0123456789ABCDEF, "Now is t" → 3FA40E8A984D4815 (single DES = K|K|K).
  it('decrypts the FIPS 81 ECB example', () => {
    expect(desEncryptBlock(hex('0123456789ABCDEF'), Buffer.from('Now is t')).toString('hex').toUpperCase()).toBe('3FA40E8A984D4815');
    expect(desDecryptBlock(hex('0123456789ABCDEF'), hex('3FA40E8A984D4815')).toString()).toBe('Now is t');
  });

  it('round-trips a double-length key (K1 | K2 | K1)', () => {
    const key = hex('0123456789ABCDEFFEDCBA9876543210');
    const block = hex('0412AC89ABCDEF67');
    expect(desDecryptBlock(key, desEncryptBlock(key, block))).toEqual(block);
  });
});

describe('KeyProvider.verifyPinBlock', () => {
  const zpk = hex('0123456789ABCDEFFEDCBA9876543210');
  const keys = new SoftwareKeyProvider(crypto.randomBytes(32), { zpk });
  const pan = '4242424242424242';
  const encrypted = (pin: string, key = zpk) => desEncryptBlock(key, pinBlockFormat0(pin, pan));

  it('verifies the block\'s PIN against the IBM 3624 offset, never handing the PIN out', async () => {
    const stored = await keys.pinOffset(pan, '385912');
    expect(await keys.verifyPinBlock(pan, encrypted('385912'), stored)).toBe('ok');
    expect(await keys.verifyPinBlock(pan, encrypted('385913'), stored)).toBe('wrong');
    expect(await keys.verifyPinBlock(pan, encrypted('3859'), stored)).toBe('wrong');
  });

  it('tells a block under another key (format error) from a wrong PIN', async () => {
    const stored = await keys.pinOffset(pan, '385912');
    const other = hex('FEDCBA98765432100123456789ABCDEF');
    expect(await keys.verifyPinBlock(pan, encrypted('385912', other), stored)).toBe('format_error');
    expect(await keys.verifyPinBlock(pan, Buffer.alloc(7), stored)).toBe('format_error');
  });

  it('refuses without a zone PIN key, and refuses a ZPK with equal halves', async () => {
    const none = new SoftwareKeyProvider(crypto.randomBytes(32));
    await expect(none.verifyPinBlock(pan, encrypted('385912'), await none.pinOffset(pan, '385912'))).rejects.toBeInstanceOf(KeyConfigError);
    expect(() => new SoftwareKeyProvider(crypto.randomBytes(32), { zpk: hex('0123456789ABCDEF0123456789ABCDEF') })).toThrow(/halves must differ/);
  });
});
