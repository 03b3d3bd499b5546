import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { luhnValid } from '../lib/luhn.ts';
import { DEFAULT_BINS, bin, binMatchesBrand, generatePan, isValidPan, last4, maskPan, panFingerprint } from './pan.ts';
import { isCardToken, newCardToken } from './token.ts';

describe('PANs', () => {
  it('generates 16-digit Luhn-valid PANs under the BIN', () => {
    for (const brand of ['VISA', 'MASTERCARD'] as const) {
      const seen = new Set<string>();
      for (let i = 0; i < 200; i++) {
        const pan = generatePan(DEFAULT_BINS[brand]);
        expect(pan).toMatch(/^\d{16}$/);
        expect(luhnValid(pan)).toBe(true);
        expect(pan.startsWith(DEFAULT_BINS[brand])).toBe(true);
        seen.add(pan);
      }
      // 9 random digits: 200 draws collide with probability ~2e-5.
      expect(seen.size).toBe(200);
    }
    expect(generatePan('53231234').length).toBe(16);
    expect(generatePan('532312', 19)).toMatch(/^532312\d{13}$/);
  });

  it('refuses BINs that leave too few account digits', () => {
    expect(() => generatePan('12345')).toThrow(/BIN/);
    expect(() => generatePan('53231234', 14)).toThrow(/account digits/);
  });

  it.each([
    ['VISA', '424242', true], ['VISA', '532312', false], ['MASTERCARD', '555555', true], ['MASTERCARD', '510000', true],
    ['MASTERCARD', '222100', true], ['MASTERCARD', '272099', true], ['MASTERCARD', '272100', false], ['MASTERCARD', '560000', false],
    ['VISA', '4242', false],
  ] as const)('binMatchesBrand(%s, %s) = %s', (brand, b, ok) => {
    expect(binMatchesBrand(brand, b)).toBe(ok);
  });

  it('masks, cuts and validates', () => {
    expect(maskPan('5323123412349217')).toBe('5323 **** **** 9217');
    expect(maskPan('4123456789012345678')).toBe('4123 **** **** ***5 678');
    expect(last4('5323123412349217')).toBe('9217');
    expect(bin('5323123412349217')).toBe('532312');
    expect(bin('5323123412349217', 8)).toBe('53231234');
    expect(isValidPan('4242424242424242')).toBe(true);
    expect(isValidPan('4242424242424241')).toBe(false);
    expect(isValidPan('42424242424')).toBe(false);
  });

  it('fingerprints with HMAC-SHA256 under the key', () => {
    const key = crypto.randomBytes(32);
    const fp = panFingerprint(key, '4242424242424242');
    expect(fp).toBe(crypto.createHmac('sha256', key).update('4242424242424242').digest('hex'));
    expect(panFingerprint(key, '4242424242424242')).toBe(fp);
    expect(panFingerprint(crypto.randomBytes(32), '4242424242424242')).not.toBe(fp);
    expect(panFingerprint(key, '5555555555554444')).not.toBe(fp);
  });
});

describe('card tokens', () => {
  it('are opaque, unique and in seed 001\'s 64-hex form', () => {
    const tokens = new Set(Array.from({ length: 1000 }, newCardToken));
    expect(tokens.size).toBe(1000);
    for (const t of tokens) {
      expect(t).toMatch(/^[0-9a-f]{64}$/);
      expect(isCardToken(t)).toBe(true);
    }
    expect(isCardToken('tok_short')).toBe(false);
    expect(isCardToken('60d678e2465b5b6c4fd5e847ef39c70c4b0c22d1b826f39eb80a107b3b8433a')).toBe(false);
    expect(isCardToken('60D678E2465B5B6C4FD5E847EF39C70C4B0C22D1B826F39EB80A107B3B8433AD')).toBe(false);
  });

  it('issued before in the tok_ form stay valid', () => {
    expect(isCardToken('tok_' + 'A'.repeat(32))).toBe(true);
    expect(isCardToken('tok_Zk3-_q9PLm2xY7rT0bN4vC8sW1eH6uJ5')).toBe(true);
  });
});
