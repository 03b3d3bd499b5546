import type { FastifyInstance } from 'fastify';
import { Type } from '@fastify/type-provider-typebox';
import { getCountry, listCountries, setCountryAvailability, type CountryService, type ServiceAvailability } from '../../../countries/index.ts';
import { actionContext } from '../../plugins/auth.ts';
import { mutation } from '../../plugins/idempotency.ts';
import { errorResponses } from '../../schemas.ts';
import { AdminCountrySchema, CountryParams, CountryQuery, CountrySchema, ServicesPatchSchema, presentAdminCountry, presentCountry } from './schemas.ts';

// Not paged: the list is the ISO 3166-1 dataset (about 250 countries), one small response that clients cache.
const countryList = <T extends Parameters<typeof Type.Array>[0]>(item: T) =>
  Type.Object({ object: Type.Literal('list'), data: Type.Array(item), has_more: Type.Literal(false) });

/** Where cards, KYC, top-up and SMS are offered: shown to merchants, set by the operator. */
export function countryRoutes(app: FastifyInstance): void {
  const { db, clock } = app.deps;

  app.get('/v1/countries', {
    schema: {
      tags: ['Countries'], security: [{ apiKey: [] }], summary: 'Supported countries',
      description: 'Every ISO 3166-1 country with the services offered there, by code; `service` keeps the countries where that one is offered. A card, KYC, top-up or SMS for a country where its service is off is refused with 422 `country_not_supported`. Not paged (about 250 countries).',
      querystring: CountryQuery,
      response: { 200: countryList(CountrySchema), ...errorResponses(403) },
    },
  }, async (request) => {
    const { service } = request.query as { service?: CountryService };
    const all = await listCountries(db);
    return { object: 'list' as const, data: all.filter((c) => !service || c.services[service]).map(presentCountry), has_more: false as const };
  });

  const admin = { config: { auth: 'admin' as const } };
  const adminSchema = { tags: ['Admin: countries'], security: [{ adminToken: [] }] };

  app.get('/admin/v1/countries', {
    ...admin,
    schema: {
      ...adminSchema, summary: 'Country availability', description: 'Every ISO 3166-1 country with its services and when the operator last changed them. Every service is on until switched off.',
      querystring: CountryQuery,
      response: { 200: countryList(AdminCountrySchema), ...errorResponses() },
    },
  }, async (request) => {
    const { service } = request.query as { service?: CountryService };
    const all = await listCountries(db);
    return { object: 'list' as const, data: all.filter((c) => !service || c.services[service]).map(presentAdminCountry), has_more: false as const };
  });

  app.get('/admin/v1/countries/:code', {
    ...admin,
    schema: { ...adminSchema, summary: 'One country', description: 'Its services; 404 for a code that is not in ISO 3166-1.', params: CountryParams, response: { 200: AdminCountrySchema, ...errorResponses(404) } },
  }, async (request) => presentAdminCountry(await getCountry(db, (request.params as { code: string }).code)));

  app.put('/admin/v1/countries/:code', {
    ...admin,
    schema: {
      ...adminSchema, summary: 'Set country availability',
      description: 'Switches services on or off for one country, e.g. `{"services": {"cards": false}}`; services left out keep their setting. Takes effect on the next request. Audited.',
      params: CountryParams,
      body: Type.Object({ services: ServicesPatchSchema }, { additionalProperties: false }),
      response: { 200: AdminCountrySchema, ...errorResponses(404) },
    },
  }, (request, reply) => mutation(request, reply, async (tx) => {
    const { services } = request.body as { services: Partial<ServiceAvailability> };
    const country = await setCountryAvailability(tx, (request.params as { code: string }).code, services, actionContext(request, clock.now()));
    return { status: 200, body: presentAdminCountry(country) };
  }));
}
