import { Type } from '@fastify/type-provider-typebox';
import { countryCommonName } from '../../../../lib/countries.ts';
import { formatMinor } from '../../../../lib/money.ts';
import { smsCountries } from '../../../../sms/index.ts';
import { ownerOf } from '../../../../http/plugins/auth.ts';
import type { TypedApp } from '../../../../http/route.ts';
import { scaleOf } from '../../../shared.ts';
import { Success, krezyConfig, krezyErrors, krezyRoute } from '../../schemas.ts';
import { PricePerSegment } from '../../sms.ts';

const SMS_COUNTRY_EXAMPLE = { code: 'US', name: 'United States', price_per_segment: '0.01', currency: 'USD' };
const SmsCountrySchema = Type.Object({
  code: Type.String({ description: 'ISO 3166-1 alpha-2.' }), name: Type.String(), price_per_segment: PricePerSegment, currency: Type.String(),
}, { examples: [SMS_COUNTRY_EXAMPLE] });

export function smsCountriesRoute(app: TypedApp): void {
  const { db } = app.deps;
  app.get('/v1/:mode/sms/countries', {
    config: krezyConfig,
    schema: {
      ...krezyRoute, operationId: 'krezypay.listSmsCountries', summary: 'KrezyPay: SMS countries',
      description: "Where SMS can be sent in the path's mode, at what price per segment.",
      response: {
        200: Success({ countries: Type.Array(SmsCountrySchema) }, { countries: [SMS_COUNTRY_EXAMPLE] }, 'The countries.'),
        ...krezyErrors,
      },
    },
  }, async (request) => {
    const prices = await smsCountries(db, ownerOf(request).mode);
    const countries = await Promise.all(prices.map(async (p) => ({
      code: p.country, name: countryCommonName(p.country) ?? p.country, price_per_segment: formatMinor(p.pricePerSegment, await scaleOf(db, p.currency)),
      currency: p.currency,
    })));
    return { status: 'success' as const, countries };
  });
}
