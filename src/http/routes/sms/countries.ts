import type { FastifyInstance } from 'fastify';
import { countryCommonName } from '../../../lib/countries.ts';
import { toJsonNumber } from '../../../lib/money.ts';
import { smsCountries } from '../../../sms/index.ts';
import { ownerOf } from '../../plugins/auth.ts';
import { errorResponses, listOf } from '../../schemas.ts';
import { security, SmsCountrySchema, tags, typed } from './shared.ts';

export function smsCountriesRoute(app: FastifyInstance): void {
  typed(app).get('/v1/sms/countries', {
    schema: {
      tags, security, summary: 'Where SMS can be sent',
      description: 'The destinations with a price in the key\'s mode that the operator has not switched off for SMS, by country code, with the price of one segment.',
      response: { 200: listOf(SmsCountrySchema), ...errorResponses(403) },
    },
  }, async (request) => {
    const prices = await smsCountries(app.deps.db, ownerOf(request).mode);
    return {
      object: 'list' as const, has_more: false,
      data: prices.map((p) => ({
        object: 'sms_country' as const, country: p.country, name: countryCommonName(p.country) ?? p.country,
        price_per_segment: toJsonNumber(p.pricePerSegment), currency: p.currency,
      })),
    };
  });
}
