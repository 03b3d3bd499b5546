import { getExampleNumber, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/mobile';
import examples from 'libphonenumber-js/examples.mobile.json';
import { DomainError } from '../lib/errors.ts';
import type { PhoneFormat } from './types.ts';

/**
 * Phone numbers for airtime, with libphonenumber-js's mobile metadata: a
 * number is valid only if it is a mobile number (or one the numbering plan
 * cannot tell from a fixed line, as in the United States) of that very
 * country. A +33 number sent for Cameroon is refused, not topped up in France.
 */

/** Why 32: E.164 has at most 15 digits; room for spaces, dashes and a +, and no more. */
export const PHONE_TEXT_LENGTH_MAX = 32;

/** The number in E.164, or a 400 naming `param`. */
export function mobileNumberOf(text: string, country: string, param = 'phone'): string {
  const parsed = text.length <= PHONE_TEXT_LENGTH_MAX ? parsePhoneNumberFromString(text, country as CountryCode) : undefined;
  if (!parsed || parsed.country !== country || !parsed.isValid()) {
    const format = phoneFormatOf(country);
    const example = format ? `, such as ${format.example} or ${format.nationalExample}` : '';
    throw new DomainError('parameter_invalid', `\`${param}\` is not a valid mobile number in ${country}${example}.`, param);
  }
  return parsed.number;
}

export function phoneFormatOf(country: string): PhoneFormat | null {
  const example = getExampleNumber(country as CountryCode, examples);
  if (!example) return null;
  return { callingCode: example.countryCallingCode, example: example.number, nationalExample: example.formatNational() };
}
