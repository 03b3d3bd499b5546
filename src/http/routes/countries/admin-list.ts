import { listCountries } from '../../../countries/index.ts';
import { errorResponses } from '../../schemas.ts';
import type { TypedApp } from '../../route.ts';
import { AdminCountrySchema, CountryQuery, countryAdmin, countryList, presentAdminCountry } from './schemas.ts';

export function adminListCountriesRoute(app: TypedApp): void {
  app.get('/admin/v1/countries', {
    config: countryAdmin.config,
    schema: {
      ...countryAdmin.schema, operationId: 'admin.countries.list', summary: 'Country availability',
      description: 'Every ISO 3166-1 country with its services and when the operator last changed them. Every service is on '
        + 'until switched off.',
      querystring: CountryQuery,
      response: { 200: countryList(AdminCountrySchema, 'The countries.'), ...errorResponses() },
    },
  }, async (request) => {
    const { service } = request.query;
    const all = await listCountries(app.deps.db);
    return { object: 'list' as const, data: all.filter((c) => !service || c.services[service]).map(presentAdminCountry), has_more: false as const };
  });
}
