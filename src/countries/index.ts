import type { Queryable, Tx } from '../db/index.ts';
import { appendAudit } from '../audit/index.ts';
import { allCountries, countryCommonName, isCountryCode } from '../lib/countries.ts';
import type { ActionContext } from '../lib/context.ts';
import { DomainError } from '../lib/errors.ts';
import * as store from './store.ts';

/**
 * Where each service is offered (SPEC §9). Every ISO 3166-1 country offers
 * every service until the operator switches one off; only those exceptions
 * are stored, so the dataset's list stays the one source of countries.
 */
export const COUNTRY_SERVICES = ['cards', 'kyc', 'topup', 'sms'] as const;
export type CountryService = (typeof COUNTRY_SERVICES)[number];

export type ServiceAvailability = Record<CountryService, boolean>;

export interface CountryAvailability {
  code: string;
  name: string;
  services: ServiceAvailability;
  /** When the operator last changed one of its services; null while it has the defaults. */
  updatedAt: Date | null;
}

const SERVICE_NAMES: Record<CountryService, string> = {
  cards: 'Card issuing', kyc: 'KYC verification', topup: 'Airtime top-up', sms: 'SMS',
};

const allEnabled = (): ServiceAvailability => ({ cards: true, kyc: true, topup: true, sms: true });

function describe(code: string): string {
  return `${countryCommonName(code) ?? code} (${code})`;
}

/**
 * Refuses, with a 422 naming the country and the service, when the operator
 * has switched `service` off for `country`. An unknown code is refused too:
 * a service is only offered in a country that exists.
 */
export async function requireCountryEnabled(q: Queryable, country: string, service: CountryService, param?: string): Promise<void> {
  if (!isCountryCode(country)) {
    throw new DomainError('country_not_supported', `${JSON.stringify(country)} is not an ISO 3166-1 alpha-2 country code.`, param,
      { country, service });
  }
  if (!(await store.isEnabled(q, country, service))) {
    throw new DomainError('country_not_supported', `${SERVICE_NAMES[service]} is not available in ${describe(country)}.`, param,
      { country, service });
  }
}

export async function isCountryEnabled(q: Queryable, country: string, service: CountryService): Promise<boolean> {
  return isCountryCode(country) && store.isEnabled(q, country, service);
}

/** Every ISO 3166-1 country with what it offers, by code. */
export async function listCountries(q: Queryable): Promise<CountryAvailability[]> {
  return withAvailability(q, allCountries().map((c) => c.code), null);
}

/** The codes of the countries where `service` is offered, by code. */
export async function enabledCountries(q: Queryable, service: CountryService): Promise<string[]> {
  return (await listCountries(q)).filter((c) => c.services[service]).map((c) => c.code);
}

export async function getCountry(q: Queryable, code: string): Promise<CountryAvailability> {
  if (!isCountryCode(code)) throw new DomainError('resource_not_found', 'No such country.', 'country');
  const [country] = await withAvailability(q, [code], [code]);
  return country!;
}

/**
 * The operator switches services on or off for one country. Services left
 * out keep their setting; the change is audited.
 */
export async function setCountryAvailability(
  tx: Tx, code: string, services: Partial<ServiceAvailability>, ctx: ActionContext,
): Promise<CountryAvailability> {
  if (!isCountryCode(code)) throw new DomainError('resource_not_found', 'No such country.', 'country');
  for (const service of COUNTRY_SERVICES) {
    const enabled = services[service];
    if (enabled !== undefined) await store.upsertAvailability(tx, code, service, enabled, ctx.at);
  }
  await appendAudit(tx, { ...ctx, action: 'country.availability.update', target: code, result: 'success', details: { services } });
  return getCountry(tx, code);
}

async function withAvailability(q: Queryable, codes: readonly string[], filter: readonly string[] | null): Promise<CountryAvailability[]> {
  const byCountry = new Map<string, { services: ServiceAvailability; updatedAt: Date | null }>();
  for (const row of await store.selectAvailability(q, filter)) {
    const entry = byCountry.get(row.country) ?? { services: allEnabled(), updatedAt: null };
    entry.services[row.service] = row.enabled;
    if (!entry.updatedAt || row.updatedAt > entry.updatedAt) entry.updatedAt = row.updatedAt;
    byCountry.set(row.country, entry);
  }
  return codes.map((code) => {
    const entry = byCountry.get(code);
    return { code, name: countryCommonName(code) ?? code, services: entry?.services ?? allEnabled(), updatedAt: entry?.updatedAt ?? null };
  });
}
