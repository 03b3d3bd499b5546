import { listCountries } from '../../../countries/index.ts';
import { errorResponses } from '../../schemas.ts';
import type { TypedApp } from '../../route.ts';
import { CountryQuery, CountrySchema, countryList, presentCountry } from './schemas.ts';

export function listCountriesRoute(app: TypedApp): void {
  app.get('/v1/countries', {
    schema: {
      tags: ['Countries'], security: [{ apiKey: [] }], operationId: 'countries.list', summary: 'Supported countries',
      description: 'Every ISO 3166-1 country with the services offered there, by code; `service` keeps the countries where that '
        + 'one is offered. A card, KYC, top-up or SMS for a country where its service is off is refused with 422 '
        + '`country_not_supported`. Not paged (about 250 countries).',
      querystring: CountryQuery,
      response: { 200: countryList(CountrySchema, 'The countries.'), ...errorResponses(403) },
    },
  }, async (request) => {
    const { service } = request.query;
    const all = await listCountries(app.deps.db);
    return { object: 'list' as const, data: all.filter((c) => !service || c.services[service]).map(presentCountry), has_more: false as const };
  });
}
