import type { Static } from '@fastify/type-provider-typebox';
import { countryCommonName } from '../../../lib/countries.ts';
import { toJsonNumber } from '../../../lib/money.ts';
import { smsCountries, type SmsPrice } from '../../../sms/index.ts';
import { ownerOf } from '../../plugins/auth.ts';
import { errorResponses, listOf } from '../../schemas.ts';
import type { TypedApp } from '../../route.ts';
import { SmsCountrySchema, smsSchema } from './shared.ts';

const presentSmsCountry = (p: SmsPrice) => ({
  object: 'sms_country' as const, country: p.country, name: countryCommonName(p.country) ?? p.country,
  price_per_segment: toJsonNumber(p.pricePerSegment), currency: p.currency,
}) satisfies Static<typeof SmsCountrySchema>;

export function smsCountriesRoute(app: TypedApp): void {
  app.get('/v1/sms/countries', {
    schema: {
      ...smsSchema, operationId: 'sms.listCountries', summary: 'Where SMS can be sent',
      description: "The destinations with a price in the key's mode that the operator has not switched off for SMS, by country "
        + 'code, with the price of one segment.',
      response: { 200: { ...listOf(SmsCountrySchema), description: 'The destinations.' }, ...errorResponses(403) },
    },
  }, async (request) => {
    const prices = await smsCountries(app.deps.db, ownerOf(request).mode);
    return { object: 'list' as const, has_more: false, data: prices.map(presentSmsCountry) };
  });
}
