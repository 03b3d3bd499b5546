import { describe, expect, it } from 'vitest';
import { DomainError } from '../lib/errors.ts';
import { mobileNumberOf, phoneFormatOf } from './phone.ts';
import { checkAmount, currencyScale, priceOf } from './pricing.ts';
import type { TopupProduct } from './types.ts';

const product = (overrides: Partial<TopupProduct> = {}): TopupProduct => ({
  mode: 'sandbox', country: 'CM', operator: 'MTN', currency: 'XAF', denominations: null, minAmount: 100n, maxAmount: 50_000n,
  walletCurrency: 'USD', rate: '0.0017', feeFixed: 25n, feePercentBps: 200, providerOperatorId: null, updatedAt: new Date(0), ...overrides,
});

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err instanceof DomainError ? `${err.code}:${err.param}` : String(err);
  }
  return 'ok';
};

describe('priceOf: amount × rate between the scales, half-up; fee fixed + percent of the price, half-up', () => {
  it.each([
    // product, amount, wallet scale → price, fee, total
    ['CM MTN 1000 XAF at 0.0017 USD', product(), 1000n, 2, 170n, 28n, 198n],
    ['CM MTN 100 XAF (the minimum)', product(), 100n, 2, 17n, 25n, 42n],
    ['half a cent rounds up: 3 XAF × 0.0017 = 0.0051 USD → 1 cent', product({ minAmount: 1n }), 3n, 2, 1n, 25n, 26n],
    ['US 10.00 USD at 1: same amount', product({ country: 'US', currency: 'USD', rate: '1' }), 1000n, 2, 1000n, 45n, 1045n],
    ['no fee', product({ feeFixed: 0n, feePercentBps: 0 }), 1000n, 2, 170n, 0n, 170n],
    ['XAF wallet (scale 0) at 1', product({ walletCurrency: 'XAF', rate: '1', feeFixed: 0n, feePercentBps: 150 }), 1000n, 0, 1000n, 15n, 1015n],
    ['USD airtime into a XAF wallet at 600', product({ currency: 'USD', walletCurrency: 'XAF', rate: '600', feeFixed: 0n, feePercentBps: 0 }), 500n, 0, 3000n, 0n, 3000n],
  ])('%s', (_name, p, amount, walletScale, price, fee, total) => {
    expect(priceOf(p, amount, walletScale)).toEqual({ price, fee, total });
  });

  it('refuses an amount too small to cost one minor unit, rather than give it away', () => {
    expect(codeOf(() => priceOf(product({ minAmount: 1n }), 2n, 2))).toBe('parameter_invalid:amount');
  });
});

describe('checkAmount: only what the product offers', () => {
  const range = product();
  const fixed = product({ operator: 'Orange', denominations: [500n, 1000n, 2000n], minAmount: null, maxAmount: null });
  it.each([
    [range, 100n, 'ok'], [range, 50_000n, 'ok'], [range, 99n, 'parameter_invalid:amount'], [range, 50_001n, 'parameter_invalid:amount'],
    [fixed, 500n, 'ok'], [fixed, 2000n, 'ok'], [fixed, 700n, 'parameter_invalid:amount'], [fixed, 5000n, 'parameter_invalid:amount'],
  ])('%#: %s', (p, amount, expected) => {
    expect(codeOf(() => checkAmount(p, amount))).toBe(expected);
  });
});

describe('mobileNumberOf: a mobile number of that very country, in E.164', () => {
  it.each([
    ['+237671234567', 'CM', '+237671234567'],
    ['6 71 23 45 67', 'CM', '+237671234567'],
    ['+237 6 71 00 00 00', 'CM', '+237671000000'],
    ['(201) 555-0123', 'US', '+12015550123'],
    ['+1 201 555 0000', 'US', '+12015550000'],
  ])('%s in %s → %s', (text, country, e164) => {
    expect(mobileNumberOf(text, country)).toBe(e164);
  });

  it.each([
    ['+33612345678', 'CM', 'a French number for Cameroon'],
    ['222123456', 'CM', 'a Cameroonian fixed line'],
    ['12345', 'CM', 'too short'],
    ['+237 6 71 23 45 67 89', 'CM', 'too long'],
    ['not a number', 'US', 'letters'],
    [`+1${'2'.repeat(40)}`, 'US', 'over the length limit'],
  ])('refuses %s in %s (%s)', (text, country) => {
    expect(codeOf(() => mobileNumberOf(text, country))).toBe('parameter_invalid:phone');
  });

  it('describes the format of a country', () => {
    expect(phoneFormatOf('CM')).toEqual({ callingCode: '237', example: expect.stringMatching(/^\+2376\d{8}$/), nationalExample: expect.any(String) });
    expect(phoneFormatOf('US')?.callingCode).toBe('1');
  });
});

describe('currencyScale: ISO 4217 digits from the maintained dataset', () => {
  it.each([['USD', 2], ['XAF', 0], ['KWD', 3], ['COP', 2], ['ZZZ', null], ['usd', null]])('%s → %s', (code, scale) => {
    expect(currencyScale(code)).toBe(scale);
  });
});
