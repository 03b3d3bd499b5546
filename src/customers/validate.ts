import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { DomainError } from '../lib/errors.ts';
import { isCountryCode } from '../lib/countries.ts';
import { ageOn, parseCalendarDate } from '../lib/dates.ts';
import { EMBOSSED_NAME_LENGTH_MAX, fitsAddressCharset, fitsNameCharset } from '../lib/embossing.ts';
import type { Address, CustomerInput, CustomerPolicy } from './types.ts';

/** Why 120: older than any living person; a typo, not a customer. */
const AGE_MAX = 120;

const invalid = (param: string, message: string) => new DomainError('parameter_invalid', message, param);

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

function checkName(param: string, value: string): void {
  if (!fitsNameCharset(value)) {
    throw invalid(param, `\`${param}\` may contain only the letters A–Z, spaces, hyphens, apostrophes and full stops (it is embossed on cards); transliterate it first.`);
  }
  if (value.length > EMBOSSED_NAME_LENGTH_MAX) throw invalid(param, `\`${param}\` must be at most ${EMBOSSED_NAME_LENGTH_MAX} characters.`);
}

export function checkAddress(address: Address, prefix = 'address'): void {
  for (const field of ['line1', 'city', 'state', 'postal_code'] as const) {
    if (!fitsAddressCharset(address[field])) {
      throw invalid(`${prefix}.${field}`, `\`${prefix}.${field}\` may contain only letters A–Z, digits, spaces and . , ' / # - (it is printed on cards and mailers).`);
    }
  }
  if (!isCountryCode(address.country)) {
    throw invalid(`${prefix}.country`, `\`${prefix}.country\` must be an ISO 3166-1 alpha-2 code in capitals, such as FR or US.`);
  }
}

function checkPhone(input: Pick<CustomerInput, 'phonePrefix' | 'phoneNumber' | 'phoneCountry'>): void {
  if (!isCountryCode(input.phoneCountry)) throw invalid('phone_country', '`phone_country` must be an ISO 3166-1 alpha-2 code in capitals.');
  const parsed = parsePhoneNumberFromString(input.phoneNumber, input.phoneCountry as never);
  if (!parsed || parsed.countryCallingCode !== input.phonePrefix) {
    throw invalid('phone_prefix', `\`phone_prefix\` ${input.phonePrefix} is not the calling code of ${input.phoneCountry}.`);
  }
  if (!parsed.isValid()) throw invalid('phone_number', `\`phone_number\` is not a valid phone number in ${input.phoneCountry}.`);
}

export function checkDateOfBirth(text: string, policy: CustomerPolicy, now: Date): void {
  const birth = parseCalendarDate(text);
  if (!birth) throw invalid('date_of_birth', '`date_of_birth` must be a real date written YYYY-MM-DD.');
  const age = ageOn(birth, now);
  if (age < 0 || age > AGE_MAX) throw invalid('date_of_birth', '`date_of_birth` is out of range.');
  if (age < policy.minAge) throw invalid('date_of_birth', `The customer must be at least ${policy.minAge} years old.`);
}

/**
 * Validate a whole customer (after a PATCH is merged, too), so a stored customer is always valid. Errors name the
 * field as the native API does (`param`); the facades translate those names to theirs.
 */
export function checkCustomer(input: CustomerInput, policy: CustomerPolicy, now: Date): void {
  checkName('first_name', input.firstName);
  checkName('last_name', input.lastName);
  checkPhone(input);
  checkDateOfBirth(input.dateOfBirth, policy, now);
  checkAddress(input.address);
}
