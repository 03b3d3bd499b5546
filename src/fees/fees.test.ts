import { describe, expect, it } from 'vitest';
import { DEFAULT_FEE_SCHEDULE, authorizationFee, fundingFee, fxFee, largestAffordable } from './index.ts';
import { convert, divRoundHalfUp, formatMinor, parseDecimal, parseRate } from '../lib/money.ts';

describe('authorization fee (1.00 + 1 %, half-up)', () => {
  it.each([
    [300n, 103n], [5000n, 150n], [10000n, 200n], [1n, 100n], [50n, 101n], [49n, 100n], [150n, 102n], [250n, 103n], [0n, 100n],
  ])('%s → %s', (amount, fee) => expect(authorizationFee(amount, DEFAULT_FEE_SCHEDULE)).toBe(fee));

  it('funding and FX fees follow the schedule', () => {
    expect(fundingFee(1000n, DEFAULT_FEE_SCHEDULE)).toBe(0n);
    expect(fundingFee(1000n, { ...DEFAULT_FEE_SCHEDULE, funding_fixed: 25, funding_percent_bps: 50 })).toBe(30n);
    expect(fxFee(10000n, { ...DEFAULT_FEE_SCHEDULE, fx_percent_bps: 250 })).toBe(250n);
  });

  it('finds the largest affordable amount for partial approval', () => {
    const fee = (a: bigint) => authorizationFee(a, DEFAULT_FEE_SCHEDULE);
    expect(largestAffordable(403n, fee)).toBe(300n);
    expect(largestAffordable(402n, fee)).toBe(299n);
    expect(largestAffordable(100n, fee)).toBe(0n);
    expect(largestAffordable(0n, fee)).toBe(0n);
    for (const avail of [101n, 555n, 12345n, 99999n]) {
      const a = largestAffordable(avail, fee);
      expect(a + fee(a)).toBeLessThanOrEqual(avail);
      expect(a + 1n + fee(a + 1n)).toBeGreaterThan(avail);
    }
  });
});

describe('money helpers', () => {
  it.each([
    [5n, 2n, 3n], [4n, 2n, 2n], [1n, 3n, 0n], [2n, 3n, 1n], [-5n, 2n, -3n],
  ])('divRoundHalfUp(%s, %s) = %s', (a, b, q) => expect(divRoundHalfUp(a, b)).toBe(q));

  // From the text only (a JSON string's value or a JSON number's own text): no trimming, no rounding.
  it.each([
    ['3', 2, 300n], ['3.00', 2, 300n], ['3.0', 2, 300n], ['3.1', 2, 310n], ['5000.00', 2, 500000n], ['5000.5', 2, 500050n],
    ['0.01', 2, 1n], ['7', 0, 7n], ['10000000000', 2, 10n ** 12n], ['1.234', 3, 1234n],
    ['3.001', 2, 'too_many_decimals'], ['3.000', 2, 'too_many_decimals'], ['2.999999999999999999', 2, 'too_many_decimals'],
    ['1.0000000000000001', 2, 'too_many_decimals'], ['3.5', 0, 'too_many_decimals'], ['3.0', 0, 'too_many_decimals'],
    ['-3', 2, 'not_positive'], ['-0', 2, 'not_positive'], ['0', 2, 'not_positive'], ['0.00', 2, 'not_positive'],
    [' 1', 2, 'not_a_number'], ['1 ', 2, 'not_a_number'], ['00001', 2, 'not_a_number'], ['01.5', 2, 'not_a_number'],
    ['1e2', 2, 'not_a_number'], ['1E0', 2, 'not_a_number'], ['+1', 2, 'not_a_number'], ['3.', 2, 'not_a_number'],
    ['.5', 2, 'not_a_number'], ['abc', 2, 'not_a_number'], ['', 2, 'not_a_number'], ['1,5', 2, 'not_a_number'],
    ['NaN', 2, 'not_a_number'], ['Infinity', 2, 'not_a_number'], ['\u0661', 2, 'not_a_number'],
    ['10000000000.01', 2, 'too_large'], ['9999999999999', 2, 'too_large'], ['9'.repeat(100_000), 2, 'too_large'],
  ])('parseDecimal(%j, %s) = %s', (text, scale, out) => expect(parseDecimal(text, scale)).toBe(out));

  it('formats minor units', () => {
    expect(formatMinor(403n, 2)).toBe('4.03');
    expect(formatMinor(5n, 2)).toBe('0.05');
    expect(formatMinor(7n, 0)).toBe('7');
    expect(formatMinor(-150n, 2)).toBe('-1.50');
    expect(formatMinor(1234n, 3)).toBe('1.234');
  });

  it('converts with exact rates, half-up', () => {
    const eurUsd = parseRate('1.0850')!;
    expect(convert(1000n, 2, 2, eurUsd)).toBe(1085n);
    expect(convert(1n, 2, 2, parseRate('1.5')!)).toBe(2n);
    expect(convert(1000n, 0, 2, parseRate('0.0067')!)).toBe(670n); // 1000 JPY → 6.70 USD
    expect(parseRate('0')).toBeNull();
    expect(parseRate('-1')).toBeNull();
  });
});
