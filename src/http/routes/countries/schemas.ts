import { Type, type Static } from '@fastify/type-provider-typebox';
import { COUNTRY_SERVICES, type CountryAvailability } from '../../../countries/index.ts';
import { Timestamp } from '../../schemas.ts';

export const ServiceSchema = Type.Enum(COUNTRY_SERVICES);

const ServicesSchema = Type.Object({
  cards: Type.Boolean({ description: 'Cards can be issued to cardholders who live there.' }),
  kyc: Type.Boolean({ description: 'KYC can be submitted by customers who live there.' }),
  topup: Type.Boolean({ description: 'Airtime can be sent to phone numbers there.' }),
  sms: Type.Boolean({ description: 'SMS can be sent to phone numbers there.' }),
});

const COUNTRY_EXAMPLE = { object: 'country', code: 'CM', name: 'Cameroon', services: { cards: true, kyc: true, topup: true, sms: false } };

export const CountrySchema = Type.Object({
  object: Type.Literal('country'),
  code: Type.String({ description: 'ISO 3166-1 alpha-2.' }),
  name: Type.String({ description: 'The everyday English name.' }),
  services: ServicesSchema,
}, { examples: [COUNTRY_EXAMPLE] });

export const AdminCountrySchema = Type.Object({
  ...CountrySchema.properties,
  updated_at: Type.Union([Timestamp, Type.Null()], {
    description: 'When the operator last changed it; null while every service has its default (on).',
  }),
}, { examples: [{ ...COUNTRY_EXAMPLE, updated_at: '2026-11-03T08:12:44.290Z' }] });

export const ServicesPatchSchema = Type.Partial(ServicesSchema, { additionalProperties: false, minProperties: 1 });

export const CountryParams = Type.Object({ code: Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2, in capitals.' }) });

export const CountryQuery = Type.Object({
  service: Type.Optional(ServiceSchema),
}, { additionalProperties: false });

/** Not paged: the list is the ISO 3166-1 dataset (about 250 countries), one small response that clients cache. */
export const countryList = <T extends Parameters<typeof Type.Array>[0]>(item: T, description: string) =>
  Type.Object({ object: Type.Literal('list'), data: Type.Array(item), has_more: Type.Literal(false) }, { description });

export const presentCountry = (c: CountryAvailability) => ({
  object: 'country' as const, code: c.code, name: c.name, services: c.services,
}) satisfies Static<typeof CountrySchema>;

export const presentAdminCountry = (c: CountryAvailability) => ({
  ...presentCountry(c), updated_at: c.updatedAt?.toISOString() ?? null,
}) satisfies Static<typeof AdminCountrySchema>;

export const countryAdmin = {
  config: { auth: 'admin' as const },
  schema: { tags: ['Admin: countries'], security: [{ adminToken: [] }] },
};
