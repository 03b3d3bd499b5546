/**
 * How carriers cut a text into SMS segments (3GPP TS 23.038 and 23.040).
 *
 * A text whose every character is in the GSM 03.38 default alphabet or its
 * extension table is sent as GSM-7: 160 septets in a single message, 153 per
 * part once it must be concatenated (the User Data Header takes the other 7).
 * Extension characters (`^ { } \ [ ~ ] | €` and form feed) are an escape plus
 * a character: 2 septets. Anything else makes the whole text UCS-2: 70 UTF-16
 * code units in a single message, 67 per part.
 *
 * Two characters are never cut in half across parts, as handsets would show
 * garbage: an extension character that would straddle a GSM-7 boundary moves
 * whole to the next part (that part holds 152 septets), and so does a UTF-16
 * surrogate pair (an emoji, say) at a UCS-2 boundary (66 code units). This is
 * what Twilio and the common SMS gateways do; it can add a segment compared
 * with a plain division, and the price follows the count given here.
 *
 * National language shift tables (Turkish, Spanish, Portuguese, Indian
 * scripts) are not used: a text needing them is UCS-2, the encoding every
 * handset reads.
 */

export type SmsEncoding = 'GSM-7' | 'UCS-2';

/** GSM 03.38 default alphabet, in code-point order of the table (0x1B, the escape, is left out). */
const GSM7_BASIC = new Set([
  ...'@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u00c6\u00e6\u00dfÉ',
  ...' !"#¤%&\'()*+,-./0123456789:;<=>?',
  ...'¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§',
  ...'¿abcdefghijklmnopqrstuvwxyzäöñüà',
]);

/** The extension table: each is sent as ESC + a character, 2 septets. */
const GSM7_EXTENSION = new Set([...'\f^{}\\[~]|€']);

export const GSM7_SINGLE = 160;
export const GSM7_PART = 153;
export const UCS2_SINGLE = 70;
export const UCS2_PART = 67;

export interface SegmentCount {
  encoding: SmsEncoding;
  segments: number;
  /** Septets (GSM-7) or UTF-16 code units (UCS-2) of the whole text. */
  units: number;
  /** Units per segment for this text: the single-message size, or the part size when concatenated. */
  perSegment: number;
}

/** The weight of each character (septets, or UTF-16 code units), or null when the text is not GSM-7. */
function gsm7Weights(text: string): number[] | null {
  const weights: number[] = [];
  for (const ch of text) {
    if (GSM7_BASIC.has(ch)) weights.push(1);
    else if (GSM7_EXTENSION.has(ch)) weights.push(2);
    else return null;
  }
  return weights;
}

/** `for…of` walks code points, so a surrogate pair is one item of weight 2; a lone surrogate weighs 1. */
function ucs2Weights(text: string): number[] {
  return Array.from(text, (ch) => ch.length);
}

/** Greedy packing: a character that does not fit whole in the current part opens the next one. */
function parts(weights: readonly number[], partSize: number): number {
  let count = 1;
  let used = 0;
  for (const w of weights) {
    if (used + w > partSize) {
      count++;
      used = 0;
    }
    used += w;
  }
  return count;
}

export function countSegments(text: string): SegmentCount {
  const gsm = gsm7Weights(text);
  const [encoding, weights, single, part]: [SmsEncoding, number[], number, number] = gsm
    ? ['GSM-7', gsm, GSM7_SINGLE, GSM7_PART]
    : ['UCS-2', ucs2Weights(text), UCS2_SINGLE, UCS2_PART];
  const units = weights.reduce((a, b) => a + b, 0);
  if (units <= single) return { encoding, segments: 1, units, perSegment: single };
  return { encoding, segments: parts(weights, part), units, perSegment: part };
}
