import { Type } from '@fastify/type-provider-typebox';
import { COUNTRY_SERVICES, type CountryAvailability } from '../../../countries/index.ts';
import { Timestamp } from '../../schemas.ts';

export const ServiceSchema = Type.Union(COUNTRY_SERVICES.map((s) => Type.Literal(s)));

const ServicesSchema = Type.Object({
  cards: Type.Boolean({ description: 'Cards can be issued to cardholders who live there.' }),
  kyc: Type.Boolean({ description: 'KYC can be submitted by customers who live there.' }),
  topup: Type.Boolean({ description: 'Airtime can be sent to phone numbers there.' }),
  sms: Type.Boolean({ description: 'SMS can be sent to phone numbers there.' }),
});

export const CountrySchema = Type.Object({
  object: Type.Literal('country'),
  code: Type.String({ description: 'ISO 3166-1 alpha-2.' }),
  name: Type.String({ description: 'The everyday English name.' }),
  services: ServicesSchema,
});

export const AdminCountrySchema = Type.Object({
  ...CountrySchema.properties,
  updated_at: Type.Union([Timestamp, Type.Null()], { description: 'When the operator last changed it; null while every service has its default (on).' }),
});

export const ServicesPatchSchema = Type.Partial(ServicesSchema, { additionalProperties: false, minProperties: 1 });

export const CountryParams = Type.Object({ code: Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2, in capitals.' }) });

export const CountryQuery = Type.Object({
  service: Type.Optional(ServiceSchema),
}, { additionalProperties: false });

export const presentCountry = (c: CountryAvailability) => ({ object: 'country' as const, code: c.code, name: c.name, services: c.services });
export const presentAdminCountry = (c: CountryAvailability) => ({ ...presentCountry(c), updated_at: c.updatedAt?.toISOString() ?? null });
