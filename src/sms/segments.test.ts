import { describe, expect, it } from 'vitest';
import { countSegments } from './segments.ts';

const x = (n: number, ch = 'a') => ch.repeat(n);
/** GSM 03.38, row by row as 3GPP TS 23.038 prints it (0x1B, the escape, is not a character). */
const GSM7_TABLE = [
  '@£$¥èéùìòÇ\nØø\rÅå', 'Δ_ΦΓΛΩΠΨΣΘΞÆæßÉ', ' !"#¤%&\'()*+,-./0123456789:;<=>?',
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§', '¿abcdefghijklmnopqrstuvwxyzäöñüà',
].join('');
const EMOJI = '😀'; // U+1F600: a surrogate pair, 2 UTF-16 code units

describe('countSegments', () => {
  // One line per case: text, encoding, segments, units (septets or UTF-16 code units).
  it.each([
    ['empty', '', 'GSM-7', 1, 0],
    ['one character', 'a', 'GSM-7', 1, 1],
    ['160 GSM-7 characters fit one message', x(160), 'GSM-7', 1, 160],
    ['161 need two parts of 153', x(161), 'GSM-7', 2, 161],
    ['306 = 2 × 153', x(306), 'GSM-7', 2, 306],
    ['307 need a third part', x(307), 'GSM-7', 3, 307],
    ['1530 = 10 × 153', x(1530), 'GSM-7', 10, 1530],
    ['the whole basic table (127 characters, escape left out) is GSM-7', GSM7_TABLE, 'GSM-7', 1, 127],
    ['an extension character counts 2', '€', 'GSM-7', 1, 2],
    ['every extension character counts 2', '\f^{}\\[~]|€', 'GSM-7', 1, 20],
    ['80 euros = 160 septets: one message', x(80, '€'), 'GSM-7', 1, 160],
    ['159 + € = 161 septets: two parts', `${x(159)}€`, 'GSM-7', 2, 161],
    ['€ straddling the 153 boundary moves whole to part 2', `${x(152)}€${x(151)}`, 'GSM-7', 2, 305],
    ['... so 306 septets can need 3 parts', `${x(152)}€${x(152)}`, 'GSM-7', 3, 306],
    ['a € that ends on the boundary stays in part 1', `${x(151)}€${x(153)}`, 'GSM-7', 2, 306],
    ['one non-GSM character makes it UCS-2', 'héllo ç ü â', 'UCS-2', 1, 11],
    ['a curly quote is not GSM-7', 'it’s', 'UCS-2', 1, 4],
    ['70 UCS-2 code units fit one message', x(70, 'ж'), 'UCS-2', 1, 70],
    ['71 need two parts of 67', x(71, 'ж'), 'UCS-2', 2, 71],
    ['134 = 2 × 67', x(134, 'ж'), 'UCS-2', 2, 134],
    ['135 need a third part', x(135, 'ж'), 'UCS-2', 3, 135],
    ['Chinese, 70 characters', x(70, '中'), 'UCS-2', 1, 70],
    ['an emoji counts 2 code units', EMOJI, 'UCS-2', 1, 2],
    ['35 emoji = 70 code units: one message', x(35, EMOJI), 'UCS-2', 1, 70],
    ['36 emoji = 72 code units: two parts', x(36, EMOJI), 'UCS-2', 2, 72],
    ['a pair straddling 67 moves whole to part 2', `${x(66, 'ж')}${EMOJI}${x(65, 'ж')}`, 'UCS-2', 2, 133],
    ['... so 134 code units can need 3 parts', `${x(66, 'ж')}${EMOJI}${x(66, 'ж')}`, 'UCS-2', 3, 134],
    ['a pair that ends on the boundary stays in part 1', `${x(65, 'ж')}${EMOJI}${x(67, 'ж')}`, 'UCS-2', 2, 134],
    ['extension characters in a UCS-2 text count 1', `€${x(69, 'ж')}`, 'UCS-2', 1, 70],
  ] as const)('%s', (_name, text, encoding, segments, units) => {
    expect(countSegments(text)).toMatchObject({ encoding, segments, units });
  });

  it('names the part size once concatenated', () => {
    expect(countSegments(x(161)).perSegment).toBe(153);
    expect(countSegments(x(160)).perSegment).toBe(160);
    expect(countSegments(x(71, 'ж')).perSegment).toBe(67);
    expect(countSegments('ж').perSegment).toBe(70);
  });
});
