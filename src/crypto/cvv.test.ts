import { describe, expect, it } from 'vitest';
import { SERVICE_CODE, visaCvv } from './cvv.ts';

const hex = (s: string) => Buffer.from(s, 'hex');
const A = hex('0123456789ABCDEF');
const B = hex('FEDCBA9876543210');

/**
 * Sources:
 * - Visa's CVV test data, reproduced in the CVV algorithm note at
 *   http://fsou.com/html/text/chl/848/84828_4.html ("测试数据", CVKA 0123456789ABCDEF,
 *   CVKB FEDCBA9876543210): 13- and 16-digit PANs; the first 16-digit row is the
 *   vector BP-Tools/EFTlab also show.
 * - Worked example with service code 111 and its intermediate blocks:
 *   http://topic.alibabacloud.com/a/algorithm-generation-7-cvn_8_8_31672247.html
 * - psec (github.com/knovichikhin/psec) tests/test_cvv.py: CVK 9999…/8888…, PAN 2222222222222222.
 */
const VECTORS: [pan: string, expiry: string, serviceCode: string, cvv: string, a: Buffer, b: Buffer][] = [
  ['4123456789012', '8701', '101', '370', A, B],
  ['4999988887777', '9105', '111', '649', A, B],
  ['4666655554444', '9206', '120', '821', A, B],
  ['4333322221111', '9307', '141', '697', A, B],
  ['4123456789012345', '8701', '101', '561', A, B],
  ['4999988887777000', '9105', '111', '245', A, B],
  ['4666655554444111', '9206', '120', '664', A, B],
  ['4333322221111222', '9307', '141', '382', A, B],
  ['4123456789012345', '8701', '111', '856', A, B],
  ['2222222222222222', '3333', '111', '361', hex('9999999999999999'), hex('8888888888888888')],
];

describe('visaCvv', () => {
  it.each(VECTORS)('%s %s %s → %s', (pan, expiry, sc, cvv, a, b) => {
    expect(visaCvv(a, b, pan, expiry, sc)).toBe(cvv);
  });

  it('gives different values for CVV1, CVV2 and iCVV of one card', () => {
    const pan = '4123456789012345';
    const values = [SERVICE_CODE.MAGSTRIPE, SERVICE_CODE.CVV2, SERVICE_CODE.ICVV].map((sc) => visaCvv(A, B, pan, '2911', sc));
    for (const v of values) expect(v).toMatch(/^\d{3}$/);
    expect(new Set(values).size).toBeGreaterThan(1);
  });

  it('refuses malformed input without echoing the PAN', () => {
    expect(() => visaCvv(A, B, '41234567890123x5', '8701', '101')).toThrow(/pan must be/);
    expect(() => visaCvv(A, B, '41234567890123x5', '8701', '101')).not.toThrow(/4123/);
    expect(() => visaCvv(A, B, '4123456789012345', '871', '101')).toThrow(/YYMM/);
    expect(() => visaCvv(A, B, '4123456789012345', '8701', '10')).toThrow(/service code/);
    expect(() => visaCvv(A, hex('0123'), '4123456789012345', '8701', '101')).toThrow(/8 bytes/);
  });
});
