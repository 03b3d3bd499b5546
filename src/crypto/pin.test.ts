import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decimalize, desEncryptBlock, withOddParity } from './des.ts';
import { checkPin, ibm3624NaturalPin, ibm3624Offset, ibm3624Verify, isTrivialPin, pinValidationData } from './pin.ts';

const hex = (s: string) => Buffer.from(s, 'hex');
const PVK = hex('0123456789ABCDEFFEDCBA9876543210');

describe('IBM 3624 building blocks', () => {
  // IBM 4758 CCA Basic Services 2.54, appendix E "IBM 3624 PIN-Calculation Method", p. E-3.
  it('decimalizes as the IBM CCA example', () => {
    expect(decimalize('E5C1BD67B66AE7C6', '8351296477461538')).toBe('3913656466643416');
  });

  // Worked examples reproduced at http://mamicode.com/info-detail-865237.html and
  // topic.alibabacloud.com "IBM 3624 Customer pin, natural pin, pin offset" (single-length keys).
  it('encrypts and decimalizes the single-DES worked examples', () => {
    expect(desEncryptBlock(hex('1313131313131313'), hex('1234567890123456')).toString('hex')).toBe('64da85b3795ae4e4');
    expect(ibm3624NaturalPin(hex('1313131313131313'), '0123456789012345', '1234567890123456', 6)).toBe('643085');
    expect(ibm3624NaturalPin(hex('0123456789ABCDEF'), '0123456789012345', '1234567890123445', 4)).toBe('9046');
    expect(ibm3624Offset(hex('0123456789ABCDEF'), '0123456789012345', '1234567890123445', '1234')).toBe('2298');
    expect(ibm3624Verify(hex('1313131313131313'), '0123456789012345', '1234567890123456', '099764', '456789')).toBe(true);
  });

  it('sets odd parity', () => {
    expect(withOddParity(hex('0022446688AACCEE')).toString('hex')).toBe('0123456789abcdef');
  });
});

// psec (github.com/knovichikhin/psec) tests/test_pin.py: PVK 0123456789ABCDEFFEDCBA9876543210,
// table 1234567890123456, PAN 1122334455667788; the validation data is the PAN slice it names.
const PSEC: [validationData: string, pad: string, pin: string, offset: string][] = [
  ['1122334455667788', 'F', '4524', '0000'],
  ['1122334455667788', 'F', '5635', '1111'],
  ['1122334455667788', 'F', '0000', '6586'],
  ['1122334455667788', 'F', '1111', '7697'],
  ['1122334455667788', 'F', '1234', '7710'],
  ['11223344556677', 'F', '5518', '0000'],
  ['11223344556677', 'f', '5518', '0000'],
  ['12233445566778', '1', '3675', '0000'],
  ['22334455667788', '1', '5550', '0000'],
];

describe('ibm3624Offset against psec', () => {
  it.each(PSEC)('%s pad %s: PIN %s → offset %s', (data, pad, pin, offset) => {
    expect(ibm3624Offset(PVK, '1234567890123456', data, pin, pad)).toBe(offset);
    expect(ibm3624Verify(PVK, '1234567890123456', data, pin, offset, pad)).toBe(true);
  });
});

describe('6-digit PINs', () => {
  it('round-trips random PINs and refuses any other', () => {
    const pvk = withOddParity(crypto.randomBytes(16));
    for (let i = 0; i < 50; i++) {
      const pin = String(crypto.randomInt(1_000_000)).padStart(6, '0');
      const data = pinValidationData('4242421234567897');
      const offset = ibm3624Offset(pvk, '0123456789012345', data, pin);
      expect(offset).toMatch(/^\d{6}$/);
      expect(ibm3624Verify(pvk, '0123456789012345', data, pin, offset)).toBe(true);
      const wrong = pin.slice(0, 5) + String((+pin[5]! + 1) % 10);
      expect(ibm3624Verify(pvk, '0123456789012345', data, wrong, offset)).toBe(false);
    }
  });

  it('uses the leftmost 16 PAN digits as validation data', () => {
    expect(pinValidationData('4242421234567897')).toBe('4242421234567897');
    expect(pinValidationData('4242421234567897123')).toBe('4242421234567897');
    expect(pinValidationData('424242123456')).toBe('424242123456');
  });

  it.each([
    ['000000', 'trivial'], ['999999', 'trivial'], ['123456', 'trivial'], ['012345', 'trivial'], ['456789', 'trivial'],
    ['987654', 'trivial'], ['543210', 'trivial'], ['123457', 'ok'], ['121212', 'ok'], ['890123', 'ok'], ['583920', 'ok'],
    ['12345', 'not_six_digits'], ['1234567', 'not_six_digits'], ['12a456', 'not_six_digits'], ['', 'not_six_digits'],
  ])('checkPin(%s) = %s', (pin, result) => {
    expect(checkPin(pin)).toBe(result);
    if (result !== 'not_six_digits') expect(isTrivialPin(pin)).toBe(result === 'trivial');
  });
});
