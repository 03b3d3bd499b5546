import { getCountry } from '../../../countries/index.ts';
import { errorResponses } from '../../schemas.ts';
import type { TypedApp } from '../../route.ts';
import { AdminCountrySchema, CountryParams, countryAdmin, presentAdminCountry } from './schemas.ts';

export function adminRetrieveCountryRoute(app: TypedApp): void {
  app.get('/admin/v1/countries/:code', {
    config: countryAdmin.config,
    schema: {
      ...countryAdmin.schema, operationId: 'admin.countries.retrieve', summary: 'One country',
      description: 'Its services; 404 for a code that is not in ISO 3166-1.',
      params: CountryParams,
      response: { 200: { ...AdminCountrySchema, description: 'The country.' }, ...errorResponses(404) },
    },
  }, async (request) => presentAdminCountry(await getCountry(app.deps.db, request.params.code)));
}
