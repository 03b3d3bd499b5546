import { Type } from '@fastify/type-provider-typebox';
import { setCountryAvailability } from '../../../countries/index.ts';
import { actionContext } from '../../plugins/auth.ts';
import { errorResponses } from '../../schemas.ts';
import { txOf, type TypedApp } from '../../route.ts';
import { AdminCountrySchema, CountryParams, ServicesPatchSchema, countryAdmin, presentAdminCountry } from './schemas.ts';

export const SetCountryBody = Type.Object({ services: ServicesPatchSchema }, {
  additionalProperties: false, examples: [{ services: { sms: false } }],
});

export function adminUpdateCountryRoute(app: TypedApp): void {
  app.put('/admin/v1/countries/:code', {
    config: { ...countryAdmin.config, idempotent: true },
    schema: {
      ...countryAdmin.schema, operationId: 'admin.countries.update', summary: 'Set country availability',
      description: 'Switches services on or off for one country, e.g. `{"services": {"cards": false}}`; services left out keep '
        + 'their setting. Takes effect on the next request. Audited.',
      params: CountryParams,
      body: SetCountryBody,
      response: { 200: { ...AdminCountrySchema, description: 'The country as set.' }, ...errorResponses(404) },
    },
  }, async (request) => presentAdminCountry(await setCountryAvailability(txOf(request), request.params.code, request.body.services,
    actionContext(request, app.deps.clock.now()))));
}
