import { Type } from '@fastify/type-provider-typebox';
import { listCountries } from '../../../countries/index.ts';
import { countryName } from '../../../lib/countries.ts';
import { CountryQuery } from '../../../http/routes/countries/schemas.ts';
import type { TypedApp } from '../../../http/route.ts';
import { Success, krezyConfig, krezyErrors, krezyRoute } from '../schemas.ts';

const COUNTRY_EXAMPLE = { code: 'CM', name: 'Cameroon', cards: true, kyc: true, topup: true, sms: true };

const CountrySchema = Type.Object({
  code: Type.String({ description: 'ISO 3166-1 alpha-2.' }),
  name: Type.String({ description: 'The English name.' }),
  cards: Type.Boolean(), kyc: Type.Boolean(), topup: Type.Boolean(), sms: Type.Boolean(),
}, { examples: [COUNTRY_EXAMPLE] });

export function countriesRoute(app: TypedApp): void {
  const { db } = app.deps;
  app.get('/v1/:mode/countries', {
    config: krezyConfig,
    schema: {
      ...krezyRoute, operationId: 'krezypay.listCountries', summary: 'KrezyPay: supported countries',
      description: 'ISO 3166 countries from the maintained dataset, with their English names and where each service is offered '
        + '(`cards`, `kyc`, `topup`, `sms`: true or false, as the operator sets them); `?service=` keeps the countries where that '
        + 'one is.',
      querystring: CountryQuery,
      response: {
        200: Success({ countries: Type.Array(CountrySchema) }, { countries: [COUNTRY_EXAMPLE] }, 'The countries.'),
        ...krezyErrors,
      },
    },
  }, async (request) => {
    const { service } = request.query;
    const countries = (await listCountries(db)).filter((c) => !service || c.services[service]);
    return { status: 'success' as const, countries: countries.map((c) => ({ code: c.code, name: countryName(c.code) ?? c.name, ...c.services })) };
  });
}
