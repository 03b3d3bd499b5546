import { describe, expect, it } from 'vitest';
import type { Message } from './codec.ts';
import {
  authorizationCode, declineCode, expiryOf, isAnswerable, linkKey, maskedPan, messageFingerprint, parseRequest, requestClass, respond, responseMti,
} from './mapping.ts';

const msg = (mti: string, fields: Record<number, string>): Message => ({ mti, fields: new Map(Object.entries(fields).map(([k, v]) => [Number(k), v])) });
const base: Record<number, string> = {
  2: '4242424242424242', 3: '000000', 4: '000000002500', 7: '0612153045', 11: '000123', 14: '2812', 18: '5411', 22: '051', 32: '4150123',
  37: '415012000123', 41: 'TERM0001', 43: 'CORNER SHOP'.padEnd(25) + 'PARIS'.padEnd(13) + 'FR', 49: '840',
};

describe('requests', () => {
  it('reads an 0100 into a typed request', () => {
    const p = parseRequest(msg('0100', base));
    expect(p).toMatchObject({
      ok: true,
      request: {
        kind: 'card', cls: '0100', pan: '4242424242424242', transactionType: 'purchase', amount: 2500n, currency: 'USD', expiry: '2812',
        merchant: { name: 'CORNER SHOP', mcc: '5411', country: 'FR' }, pinBlock: null, original: null, actualAmount: null,
        ids: { stan: '000123', transmitted: '0612153045', acquirerId: '4150123', rrn: '415012000123', terminalId: 'TERM0001', posEntryMode: '051' },
        key: '4150123:000123:0612153045:TERM0001',
      },
    });
  });

  // name, MTI, fields changed (null removes), expected code
  const refused: [string, string, Record<number, string | null>, string][] = [
    ['a required field missing (DE 43 in 0100)', '0100', { 43: null }, '30'],
    ['DE 7 not a date', '0100', { 7: '1332153045' }, '30'],
    ['DE 43 country not two letters', '0100', { 43: 'SHOP'.padEnd(38) + '12' }, '30'],
    ['DE 49 not a currency', '0100', { 49: '001' }, '30'],
    ['DE 14 not YYMM', '0100', { 14: '2813' }, '30'],
    ['a processing code not served (31 balance inquiry)', '0100', { 3: '310000' }, '12'],
    ['a refund outside 0200', '0100', { 3: '200000' }, '12'],
    ['a zero amount', '0200', { 4: '000000000000' }, '13'],
    ['a PAN shorter than 12 digits', '0100', { 2: '42424242' }, '14'],
    ['an MTI not served (0300)', '0300', {}, '12'],
    ['a completion without DE 90', '0220', {}, '30'],
    ['DE 90 naming an original that cannot be reversed (0400)', '0400', { 90: '0400' + '0'.repeat(38) }, '12'],
  ];
  it.each(refused)('refuses %s', (_name, mti, change, code) => {
    const fields = { ...base };
    for (const [k, v] of Object.entries(change)) {
      if (v === null) delete fields[Number(k)];
      else fields[Number(k)] = v;
    }
    expect(parseRequest(msg(mti, fields))).toMatchObject({ ok: false, code });
  });

  it('reads DE 90 and DE 95 of a partial reversal', () => {
    const p = parseRequest(msg('0420', { ...base, 90: '0100000123061215304500004150123' + '0'.repeat(11), 95: '000000001000' + '0'.repeat(30) }));
    expect(p).toMatchObject({ ok: true, request: { cls: '0420', original: { mti: '0100', stan: '000123', transmitted: '0612153045', acquirerId11: '00004150123' }, actualAmount: 1000n } });
  });

  it('classes repeats with their originals, and tells requests from responses', () => {
    expect(['0100', '0101', '0221', '0421', '0800'].map(requestClass)).toEqual(['0100', '0100', '0220', '0420', '0800']);
    expect(requestClass('0300')).toBeNull();
    expect(['0100', '0120', '0421', '0110', '0130', '0810'].map(isAnswerable)).toEqual([true, true, true, false, false, false]);
    expect(['0100', '0101', '0120', '0200', '0221', '0400', '0421', '0800'].map(responseMti)).toEqual(['0110', '0110', '0130', '0210', '0230', '0410', '0430', '0810']);
  });
});

describe('responses', () => {
  it('echoes the request\'s fields, sets DE 39, and DE 38 only when approved', () => {
    const request = msg('0100', { ...base, 12: '153045', 13: '0612', 42: 'SHOP00000000001', 52: '0412AC89ABCDEF67' });
    const ok = respond(request, '00', 'AB12CD');
    expect(ok.mti).toBe('0110');
    expect([...ok.fields.keys()].sort((a, b) => a - b)).toEqual([2, 3, 4, 7, 11, 12, 13, 32, 37, 38, 39, 41, 42, 49]);
    expect(ok.fields.get(2)).toBe(base[2]);
    const declined = respond(request, '51', 'AB12CD');
    expect(declined.fields.has(38)).toBe(false);
    expect(declined.fields.get(39)).toBe('51');
  });

  it('derives a stable 6-character authorization code from the authorization id', () => {
    const code = authorizationCode('auth_01kfq3x8d2e5v7b9c1n4m6p8r0');
    expect(code).toMatch(/^[0-9A-Z]{6}$/);
    expect(authorizationCode('auth_01kfq3x8d2e5v7b9c1n4m6p8r0')).toBe(code);
    expect(authorizationCode('auth_01kfq3x8d2e5v7b9c1n4m6p8r1')).not.toBe(code);
  });

  it('answers a card whose status forbids spending 57, as this profile defines, and passes other codes through', () => {
    expect(declineCode('card_inactive', '62')).toBe('57');
    expect(declineCode('insufficient_funds', '51')).toBe('51');
    expect(declineCode(null, '00')).toBe('00');
    expect(declineCode(null, 'Z9')).toBe('96');
  });
});

describe('keys and fingerprints', () => {
  it('keys a message by DE 32, 11, 7 and 41', () => {
    expect(linkKey(msg('0100', base))).toBe('4150123:000123:0612153045:TERM0001');
  });

  it('fingerprints the content without the PAN, PIN block or track data, and a repeat like its original', () => {
    const a = messageFingerprint(msg('0100', { ...base, 52: '0412AC89ABCDEF67' }), 'fp');
    expect(messageFingerprint(msg('0101', { ...base, 52: 'FFFFFFFFFFFFFFFF' }), 'fp')).toEqual(a);
    expect(messageFingerprint(msg('0100', { ...base, 2: '4000056655665556' }), 'fp')).toEqual(messageFingerprint(msg('0100', base), 'fp'));
    expect(messageFingerprint(msg('0100', base), 'other card')).not.toEqual(messageFingerprint(msg('0100', base), 'fp'));
    expect(messageFingerprint(msg('0100', { ...base, 4: '000000002501' }), 'fp')).not.toEqual(messageFingerprint(msg('0100', base), 'fp'));
  });

  it('writes expiry as YYMM and masks a PAN to BIN and last four', () => {
    expect(expiryOf({ expYear: 2028, expMonth: 3 })).toBe('2803');
    expect(maskedPan('4242424242424242')).toBe('424242******4242');
    expect(maskedPan('4242424242424242123')).toBe('424242*********2123');
  });
});
