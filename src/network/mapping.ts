import crypto from 'node:crypto';
import cc from 'currency-codes';
import { canonicalJson } from '../lib/canonical-json.ts';
import type { MerchantInfo, NetworkIds } from '../transactions/index.ts';
import type { Message } from './codec.ts';

/**
 * What an ISO 8583 message means for Tessera, and what it is answered
 * (docs/iso8583.md): pure functions from the wire text to typed requests,
 * and from outcomes to response messages. link.ts does the I/O.
 */

/** DE 39, the closed list this link answers (docs/iso8583.md, "Response codes"). */
export const RESPONSE_CODES = {
  '00': 'approved',
  '05': 'do not honour',
  '10': 'approved for a partial amount',
  '12': 'invalid transaction',
  '13': 'invalid amount',
  '14': 'invalid card number',
  '25': 'original not found',
  '30': 'format error',
  '51': 'insufficient funds',
  '54': 'expired card',
  '55': 'incorrect PIN',
  '57': 'transaction not permitted to cardholder',
  '61': 'exceeds amount limit',
  '62': 'restricted card',
  '65': 'exceeds frequency limit',
  '75': 'PIN tries exceeded',
  '91': 'issuer unavailable',
  '94': 'duplicate transmission',
  '96': 'system malfunction',
} as const;
export type ResponseCode = keyof typeof RESPONSE_CODES;

/**
 * DE 39 of an authorization's outcome on this link: the engine's ISO code,
 * except a card whose status forbids spending (frozen, terminated, closed,
 * not yet activated), which this profile answers 57 where the API says 62.
 */
export function declineCode(reason: string | null, engineCode: string): ResponseCode {
  if (reason === 'card_inactive') return '57';
  return (engineCode in RESPONSE_CODES ? engineCode : '96') as ResponseCode;
}

/** The classes of request this link serves; a repeat (last MTI digit 1) is its original's class. */
export const REQUEST_CLASSES = ['0100', '0120', '0200', '0220', '0400', '0420', '0800'] as const;
export type RequestClass = (typeof REQUEST_CLASSES)[number];

/** The class of a request MTI (0101 → 0100, 0421 → 0420), or null for anything this link does not serve. */
export function requestClass(mti: string): RequestClass | null {
  const base = mti.endsWith('1') ? `${mti.slice(0, 3)}0` : mti;
  return (REQUEST_CLASSES as readonly string[]).includes(base) ? base as RequestClass : null;
}

/** A request or advice (third digit 0 or 2) can be answered; responses and acknowledgements sent to us cannot. */
export const isAnswerable = (mti: string): boolean => /^\d\d[02][01]$/.test(mti);

/** The response MTI: 0100 → 0110, 0221 → 0230, 0800 → 0810. */
export const responseMti = (mti: string): string => `${mti.slice(0, 2)}${Number(mti[2]) + 1}0`;

/** The fields a response echoes from its request, when the request had them. */
const ECHOED = [2, 3, 4, 7, 11, 12, 13, 32, 37, 41, 42, 49, 70, 90, 95] as const;

/** The response to a request: the echoed fields, DE 39, and DE 38 when approved. */
export function respond(request: Message, code: ResponseCode, authorizationCode: string | null = null): Message {
  const fields = new Map<number, string>();
  for (const bit of ECHOED) {
    const value = request.fields.get(bit);
    if (value !== undefined) fields.set(bit, value);
  }
  if (authorizationCode !== null && (code === '00' || code === '10')) fields.set(38, authorizationCode);
  fields.set(39, code);
  return { mti: responseMti(request.mti), fields };
}

/** The answer to a message that could not be parsed but whose MTI and STAN could: 30, with the fields that were read. */
export function formatErrorResponse(mti: string, read: ReadonlyMap<number, string>): Message {
  return respond({ mti, fields: new Map(read) }, '30');
}

const AUTH_CODE_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** DE 38 of an approval: 6 characters derived from the authorization's id, so a replay answers the same code. */
export function authorizationCode(authorizationId: string): string {
  const digest = crypto.createHash('sha256').update(authorizationId).digest();
  let out = '';
  for (let i = 0; i < 6; i++) out += AUTH_CODE_ALPHABET[digest[i]! % AUTH_CODE_ALPHABET.length];
  return out;
}

/** DE 90: what a completion or reversal says about its original. */
export interface OriginalData {
  mti: string;
  stan: string;
  transmitted: string;
  /** The acquirer id right-justified and zero-filled to 11 digits, as DE 90 carries it. */
  acquirerId11: string;
}

/** A message about a card (everything but network management), read and checked. */
export interface CardRequest {
  kind: 'card';
  cls: Exclude<RequestClass, '0800'>;
  pan: string;
  /** DE 3 positions 1–2: purchase, cash, refund. */
  transactionType: 'purchase' | 'cash' | 'refund';
  /** DE 4: minor units of `currency`. */
  amount: bigint;
  /** DE 49 as ISO 4217 alphabetic. */
  currency: string;
  /** DE 14 as sent (YYMM), or null. */
  expiry: string | null;
  merchant: MerchantInfo;
  ids: NetworkIds;
  /** DE 52 as bytes, or null. */
  pinBlock: Buffer | null;
  original: OriginalData | null;
  /** DE 95 positions 1–12: the actual amount of a partial reversal. */
  actualAmount: bigint | null;
  /** The link's idempotency key: DE 32, DE 11, DE 7, DE 41. */
  key: string;
}

export interface NetworkRequest {
  kind: 'network';
  /** DE 70: 001 sign-on, 002 sign-off, 301 echo; anything else is answered 12. */
  code: string;
}

export type Parsed = { ok: true; request: CardRequest | NetworkRequest } | { ok: false; code: ResponseCode; reason: string };

const TRANSACTION_TYPES: Record<string, CardRequest['transactionType']> = { '00': 'purchase', '01': 'cash', '20': 'refund' };

/** The fields each class needs (besides DE 11 and DE 7, which every message needs). */
const REQUIRED: Record<RequestClass, readonly number[]> = {
  '0100': [2, 3, 4, 32, 41, 49, 18, 43],
  '0120': [2, 3, 4, 32, 41, 49, 18, 43],
  '0200': [2, 3, 4, 32, 41, 49, 18, 43],
  '0220': [2, 3, 4, 32, 41, 49, 90],
  '0400': [2, 3, 4, 32, 41, 49, 90],
  '0420': [2, 3, 4, 32, 41, 49, 90],
  '0800': [70],
};

/** An MMDDhhmmss that names a real instant of some year (February 29 allowed). */
function validTransmission(de7: string): boolean {
  const [mm, dd, hh, mi, ss] = [0, 2, 4, 6, 8].map((i) => Number(de7.slice(i, i + 2))) as [number, number, number, number, number];
  const days = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mm - 1];
  return days !== undefined && dd >= 1 && dd <= days && hh <= 23 && mi <= 59 && ss <= 59;
}

/** Read a decoded message as a request: the fields it needs, each with its meaning checked. */
export function parseRequest(message: Message): Parsed {
  const cls = requestClass(message.mti);
  const bad = (code: ResponseCode, reason: string): Parsed => ({ ok: false, code, reason });
  if (cls === null) return bad('12', `MTI ${message.mti} is not served by this link`);
  const f = message.fields;
  for (const bit of [7, 11, ...REQUIRED[cls]]) if (!f.has(bit)) return bad('30', `field ${bit} is missing`);
  if (!validTransmission(f.get(7)!)) return bad('30', 'field 7 is not a valid MMDDhhmmss');
  if (cls === '0800') return { ok: true, request: { kind: 'network', code: f.get(70)! } };

  const pan = f.get(2)!;
  if (pan.length < 12) return bad('14', 'field 2 is shorter than 12 digits');
  const type = TRANSACTION_TYPES[f.get(3)!.slice(0, 2)];
  if (!type) return bad('12', `processing code ${f.get(3)!.slice(0, 2)} is not served`);
  if (type === 'refund' && cls !== '0200' && cls !== '0400' && cls !== '0420') return bad('12', 'a refund is a 0200 (or its reversal)');
  const currency = cc.number(f.get(49)!)?.code;
  if (!currency) return bad('30', `field 49 (${f.get(49)}) is not an ISO 4217 currency`);
  const amount = BigInt(f.get(4)!);
  if (amount === 0n && cls !== '0400' && cls !== '0420') return bad('13', 'the amount is zero');
  const expiry = f.get(14) ?? null;
  if (expiry !== null && !/^\d\d(0[1-9]|1[0-2])$/.test(expiry)) return bad('30', 'field 14 is not a YYMM date');

  let merchant: MerchantInfo = { name: '', mcc: f.get(18) ?? '0000', country: '' };
  const de43 = f.get(43);
  if (de43 !== undefined) {
    const country = de43.slice(38, 40);
    if (!/^[A-Z]{2}$/.test(country)) return bad('30', 'field 43 positions 39–40 are not an ISO 3166 alpha-2 country');
    merchant = { name: de43.slice(0, 25).trim() || 'UNKNOWN', mcc: merchant.mcc, country };
  }

  let original: OriginalData | null = null;
  const de90 = f.get(90);
  if (de90 !== undefined) {
    original = { mti: de90.slice(0, 4), stan: de90.slice(4, 10), transmitted: de90.slice(10, 20), acquirerId11: de90.slice(20, 31) };
    if (!['0100', '0120', '0200'].includes(original.mti)) return bad('12', `field 90 names an original ${original.mti}, which cannot be completed or reversed`);
  }
  let actualAmount: bigint | null = null;
  const de95 = f.get(95);
  if (de95 !== undefined && (cls === '0400' || cls === '0420')) {
    if (!/^\d{12}$/.test(de95.slice(0, 12))) return bad('30', 'field 95 positions 1–12 are not 12 digits');
    actualAmount = BigInt(de95.slice(0, 12));
  }

  const ids: NetworkIds = {
    stan: f.get(11)!, transmitted: f.get(7)!, acquirerId: f.get(32)!,
    rrn: f.get(37) ?? null, terminalId: f.get(41)!, posEntryMode: f.get(22) ?? null,
  };
  return {
    ok: true,
    request: {
      kind: 'card', cls, pan, transactionType: type, amount, currency, expiry, merchant, ids,
      pinBlock: f.has(52) ? Buffer.from(f.get(52)!, 'hex') : null, original, actualAmount,
      key: linkKey(message),
    },
  };
}

/** The link's idempotency key (docs/iso8583.md, "Duplicates and retries"): DE 32, DE 11, DE 7 and DE 41. */
export const linkKey = (m: Message): string => [32, 11, 7, 41].map((bit) => m.fields.get(bit) ?? '').join(':');

/**
 * The fingerprint of a message for its idempotency key: its class and fields,
 * with the PAN replaced by its keyed fingerprint and no PIN or track data, so
 * a stored fingerprint cannot be searched for a card number or a PIN.
 */
export function messageFingerprint(message: Message, panFingerprint: string): Buffer {
  const fields: Record<string, string> = {};
  for (const [bit, value] of message.fields) {
    if (bit === 2) fields[bit] = panFingerprint;
    else if (bit !== 35 && bit !== 45 && bit !== 52) fields[bit] = value;
  }
  return crypto.createHash('sha256').update(canonicalJson({ cls: requestClass(message.mti), fields })).digest();
}

/** The card's expiry as DE 14 writes it (YYMM). */
export const expiryOf = (card: { expYear: number; expMonth: number }): string =>
  `${String(card.expYear % 100).padStart(2, '0')}${String(card.expMonth).padStart(2, '0')}`;

/** DE 2 for a log line: BIN and last four, the rest masked. */
export const maskedPan = (pan: string): string => (pan.length < 12 ? '*'.repeat(pan.length) : `${pan.slice(0, 6)}${'*'.repeat(pan.length - 10)}${pan.slice(-4)}`);
