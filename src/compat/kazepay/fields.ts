import { assert } from '../../lib/assert.ts';
import { DomainError } from '../../lib/errors.ts';
import { jsonPointer, type NumberTexts } from '../../lib/json-guard.ts';
import { KYC_IMAGE_BYTES_MAX } from '../../kyc/index.ts';

/**
 * The request fields of each apiCode, as seed 003 lists them, checked before
 * any module is called: required, type, length, format. Unknown fields are
 * refused (a typo must not be silently ignored). The modules check the rest
 * (phone numbers, dates of birth, images, PINs…) and their messages are
 * translated back to KazePay's field names by `kazeParam`.
 */

type Spec =
  | { kind: 'string'; required: boolean; max: number; pattern?: RegExp; hint?: string; oneOf?: readonly string[] }
  | { kind: 'boolean'; required: boolean }
  | { kind: 'integer'; required: boolean; min: number; max: number }
  | { kind: 'decimal'; required: boolean };

const str = (max: number, extra: { pattern?: RegExp; hint?: string; oneOf?: readonly string[] } = {}, required = true): Spec => ({ kind: 'string', required, max, ...extra });

/** base64 of a 5 MiB image, plus a data: URL prefix. */
const IMAGE_CHARS_MAX = Math.ceil((KYC_IMAGE_BYTES_MAX * 4) / 3) + 64;
const EMAIL = /^[^\s@]{1,64}@[^\s@]+\.[^\s@]{2,}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const CARD_ID = { pattern: /^[A-Za-z0-9_]{1,64}$/, hint: "Tessera's card id (card_…)" };

/** Why these bounds: seed 003 ("The value range is [1,100]", "[1,10]"). */
export const PAGE_SIZE_MAX = 100;
export const PAGE_NUM_MAX = 10;
export const PAGE_SIZE_DEFAULT = 10;

export const REQUEST_FIELDS = {
  setUcardKyc: {
    email: str(254, { pattern: EMAIL, hint: 'an email address' }),
    mobileNumber: str(15, { pattern: /^\d{4,15}$/, hint: 'the national number, digits only' }),
    mobilePrefix: str(4, { pattern: /^\d{1,4}$/, hint: 'the calling code without +, e.g. 60' }),
    mobilePrefixCountry: str(2, { pattern: /^[A-Z]{2}$/, hint: 'an ISO 3166-1 alpha-2 code such as MY' }),
    firstName: str(26), lastName: str(26),
    dateOfBirth: str(10, { pattern: DATE, hint: 'yyyy-MM-dd' }),
    addressLine: str(140), city: str(60),
    countryCode: str(2, { pattern: /^[A-Z]{2}$/, hint: 'an ISO 3166-1 alpha-2 code such as FR' }),
    postCode: str(16), state: str(60),
    identificationType: str(8, { oneOf: ['PASSPORT', 'ID_CARD'] }),
    identificationNumber: str(40),
    identificationExpiryDate: str(10, { pattern: DATE, hint: 'yyyy-MM-dd' }),
    frontImgBase64: str(IMAGE_CHARS_MAX),
    backImgBase64: str(IMAGE_CHARS_MAX, {}, false),
    handheldImgBase64: str(IMAGE_CHARS_MAX),
  },
  queryUcardKycStatus: { email: str(254, { pattern: EMAIL, hint: 'an email address' }) },
  ucardAssign: {
    email: str(254, { pattern: EMAIL, hint: 'an email address' }),
    cardNumber: str(19, { pattern: /^\d{12,19}$/, hint: '12 to 19 digits' }),
    autoActive: { kind: 'boolean', required: true },
  },
  ucardActive: { cardID: str(64, CARD_ID), activationCode: str(16, { pattern: /^\d{4,16}$/, hint: 'the digits sent to the cardholder' }) },
  cardSetPin: { cardID: str(64, CARD_ID), pin: str(12) },
  queryCard: { cardID: str(64, CARD_ID) },
  cardBalance: { cardID: str(64, CARD_ID), currency: str(3, { pattern: /^[A-Z]{3}$/, hint: 'an ISO 4217 code such as USD' }, false) },
  cardRecharge: {
    cardID: str(64, CARD_ID), currency: str(3, { pattern: /^[A-Z]{3}$/, hint: 'an ISO 4217 code such as USD' }, false),
    amount: { kind: 'decimal', required: true },
  },
  queryTransactions: {
    cardID: str(64, CARD_ID), transactionId: str(64, {}, false),
    pageSize: { kind: 'integer', required: false, min: 1, max: PAGE_SIZE_MAX },
    pageNum: { kind: 'integer', required: false, min: 1, max: PAGE_NUM_MAX },
    transactionStartTime: str(19, { pattern: DATETIME, hint: 'yyyy-MM-dd HH:mm:ss' }, false),
    transactionEndTime: str(19, { pattern: DATETIME, hint: 'yyyy-MM-dd HH:mm:ss' }, false),
  },
  updCardStatus: { cardID: str(64, CARD_ID), status: str(8, { oneOf: ['ACTIVE', 'INACTIVE'] }) },
  closeCard: { cardID: str(64, CARD_ID) },
} satisfies Record<string, Record<string, Spec>>;

export type ApiCode = keyof typeof REQUEST_FIELDS;
export const API_CODES = Object.keys(REQUEST_FIELDS) as ApiCode[];

const invalid = (field: string, message: string) => new DomainError('parameter_invalid', message, field);

/**
 * Check a decrypted payload against its apiCode's fields; returns it with `autoActive` and integers normalised,
 * and decimals as text (`numbers`: the payload's number literals as written, from scanJsonText).
 */
export function checkFields(apiCode: ApiCode, payload: Record<string, unknown>, numbers: NumberTexts): Record<string, unknown> {
  const specs: Record<string, Spec> = REQUEST_FIELDS[apiCode];
  for (const key of Object.keys(payload)) {
    if (!(key in specs)) throw invalid(key, `Unknown field \`${key}\` for ${apiCode}; its fields are ${Object.keys(specs).join(', ')}.`);
  }
  const out: Record<string, unknown> = {};
  for (const [field, spec] of Object.entries(specs)) {
    const value = payload[field];
    if (value === undefined || value === null || value === '') {
      if (spec.required) throw new DomainError('parameter_missing', `\`${field}\` is required for ${apiCode}.`, field);
      continue;
    }
    out[field] = checkValue(field, spec, value, numbers);
  }
  return out;
}

function checkValue(field: string, spec: Spec, value: unknown, numbers: NumberTexts): unknown {
  switch (spec.kind) {
    case 'string': {
      if (typeof value !== 'string') throw invalid(field, `\`${field}\` must be a string.`);
      if (value.length > spec.max) throw invalid(field, `\`${field}\` must be at most ${spec.max} characters.`);
      if (spec.oneOf && !spec.oneOf.includes(value)) throw invalid(field, `\`${field}\` must be one of ${spec.oneOf.join(', ')}.`);
      if (spec.pattern && !spec.pattern.test(value)) throw invalid(field, `\`${field}\` must be ${spec.hint ?? 'well-formed'}.`);
      return value;
    }
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 'false') return value === 'true';
      throw invalid(field, `\`${field}\` must be true or false.`);
    case 'integer': {
      const n = typeof value === 'string' && /^\d{1,6}$/.test(value) ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < spec.min || n > spec.max) {
        throw invalid(field, `\`${field}\` must be an integer from ${spec.min} to ${spec.max}.`);
      }
      return n;
    }
    case 'decimal': {
      if (typeof value === 'string') return value;
      if (typeof value !== 'number') throw invalid(field, `\`${field}\` must be a number such as 5000.00.`);
      // A JSON number goes on as its own text (5000.00 → "5000.00"), never as the double: parseAmount decides (SPEC §4).
      const text = numbers.get(jsonPointer([field]));
      assert(text !== undefined, 'every number of a decoded payload has its text from scanJsonText');
      return text;
    }
  }
}

/** Native parameter names → KazePay field names, for messages and `param` of FAILED results. */
const PARAMS: Record<string, string> = {
  email: 'email', phone_number: 'mobileNumber', phone_prefix: 'mobilePrefix', phone_country: 'mobilePrefixCountry',
  first_name: 'firstName', last_name: 'lastName', date_of_birth: 'dateOfBirth',
  'address.line1': 'addressLine', 'address.city': 'city', 'address.state': 'state', 'address.postal_code': 'postCode', 'address.country': 'countryCode',
  identification_type: 'identificationType', identification_number: 'identificationNumber', identification_expiry_date: 'identificationExpiryDate',
  front_image: 'frontImgBase64', back_image: 'backImgBase64', handheld_image: 'handheldImgBase64',
  card_number: 'cardNumber', cardId: 'cardID', pin: 'pin', amount: 'amount', currency: 'currency', activation_code: 'activationCode',
};

export function kazeParam(param: string | undefined): string | null {
  if (param === undefined) return null;
  return PARAMS[param] ?? param;
}

/** Rewrite `native_name` in a module's message to the KazePay field name the merchant sent. */
export function kazeMessage(message: string): string {
  return message.replace(/`([a-z_.0-9]+)`/g, (whole, name: string) => (PARAMS[name] ? `\`${PARAMS[name]}\`` : whole));
}
