import type { FastifyInstance } from 'fastify';
import { Type, type TSchema, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { countryCommonName } from '../../lib/countries.ts';
import { formatMinor } from '../../lib/money.ts';
import { ledgerOf } from '../../accounts/index.ts';
import type { Queryable } from '../../db/index.ts';
import {
  estimateSms, sendSms, smsCountries, GSM7_PART, GSM7_SINGLE, SANDBOX_FAILING_NUMBER, SMS_SEGMENTS_MAX, SMS_TEXT_LENGTH_MAX, UCS2_PART,
  UCS2_SINGLE,
} from '../../sms/index.ts';
import { actionContext, ownerOf } from '../../http/plugins/auth.ts';
import { mutation } from '../../http/plugins/idempotency.ts';
import { smsPolicyOf } from '../../http/routes/sms/index.ts';
import { withRetryAfter } from '../../http/routes/sms/send.ts';

/**
 * KrezyPay's SMS menu (seed 002: SMS Schema, Send SMS, Supporting country; named only) in the style of its
 * documented card endpoints: POST with JSON, `{"status": "success", …}`, prices as decimal strings, its error
 * bodies. `sms/send` is POST /v1/sms with KrezyPay's names (`phone`, `message`); `sms/countries` is
 * GET /v1/sms/countries; `sms/schema` says what `sms/send` takes and, given a country or a message, what it costs.
 */

const Phone = Type.String({ pattern: '^\\+[1-9][0-9]{6,14}$', description: 'A mobile number in E.164: +14155552671.' });
const Message = Type.String({ minLength: 1, maxLength: SMS_TEXT_LENGTH_MAX, description: `The text, at most ${SMS_SEGMENTS_MAX} segments.` });
const CustomerId = Type.String({ minLength: 1, maxLength: 64, description: "cus_…: the customer's phone instead of `phone`." });

const scaleOf = async (q: Queryable, currency: string) => (await ledgerOf(q, currency))!.scale;

export function krezypaySmsRoutes(app: FastifyInstance, shared: { params: TSchema; response: Record<number, TSchema> }): void {
  const { db, clock, keys } = app.deps;
  const policy = smsPolicyOf(app.deps.config);
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const schema = { tags: ['KrezyPay compatibility'], security: [{ apiKey: [] }], params: shared.params, response: shared.response };
  const config = { auth: 'merchant' as const };

  api.post('/v1/:mode/sms/schema', {
    config,
    schema: {
      ...schema, summary: 'KrezyPay: SMS schema',
      description: 'What `sms/send` takes, how messages are cut into segments, and the limits; with `country`, its price per segment; with `message` too, its segments and price: `{"status": "success", "fields": {…}, "max_segments": 10, "per_minute": 60, "encodings": {…}, "country": "US", "price_per_segment": "0.01", "currency": "USD", "segments": 1, "encoding": "GSM-7", "price": "0.01"}`. Moves nothing.',
      body: Type.Object({ country: Type.Optional(Type.String({ pattern: '^[A-Z]{2}$' })), message: Type.Optional(Message) }, { additionalProperties: false }),
    },
  }, async (request) => {
    const { country, message } = request.body;
    const e = await estimateSms(db, ownerOf(request), { ...(country !== undefined ? { country } : {}), ...(message !== undefined ? { text: message } : {}) });
    const scale = e.price ? await scaleOf(db, e.price.currency) : 0;
    return {
      status: 'success',
      fields: {
        phone: 'string, a mobile number in E.164 (+14155552671); or customer_id',
        customer_id: "string, cus_…: the customer's phone; or phone",
        message: `string, 1 to ${SMS_SEGMENTS_MAX} segments`,
      },
      max_segments: SMS_SEGMENTS_MAX, per_minute: policy.perMinute,
      encodings: { 'GSM-7': { single: GSM7_SINGLE, per_part: GSM7_PART }, 'UCS-2': { single: UCS2_SINGLE, per_part: UCS2_PART } },
      ...(e.price && country ? { country, price_per_segment: formatMinor(e.price.pricePerSegment, scale), currency: e.price.currency } : {}),
      ...(e.segments ? { segments: e.segments.segments, encoding: e.segments.encoding } : {}),
      ...(e.total !== null ? { price: formatMinor(e.total, scale) } : {}),
    };
  });

  api.post('/v1/:mode/sms/send', {
    config,
    schema: {
      ...schema, summary: 'KrezyPay: send an SMS',
      description: `Sends \`message\` to \`phone\` (or to the customer's phone), charged to the wallet: \`{"status": "success", "message": "SMS accepted.", "sms_id": "sms_…", "sms_status": "queued", "phone": "+1…", "segments": 1, "encoding": "GSM-7", "price": "0.01", "currency": "USD"}\`. The price is held, taken on delivery, returned on failure (GET /v1/sms/{id}; webhooks \`sms.delivered\` / \`sms.failed\`). Not enough in the wallet, a blocked number, a country without a price: 422, nothing sent. In sandbox the message is delivered at once into the outbox, except to ${SANDBOX_FAILING_NUMBER}, which fails.`,
      body: Type.Object({ phone: Type.Optional(Phone), customer_id: Type.Optional(CustomerId), message: Message }, { additionalProperties: false }),
    },
  }, (request, reply) => withRetryAfter(reply, () => mutation(request, reply, async (tx) => {
    const { phone, customer_id: customerId, message } = request.body;
    const input = { text: message, ...(phone !== undefined ? { to: phone } : {}), ...(customerId !== undefined ? { customerId } : {}) };
    const sms = await sendSms(tx, keys, ownerOf(request), input, policy, actionContext(request, clock.now()));
    return {
      status: 200,
      body: {
        status: 'success', message: 'SMS accepted.', sms_id: sms.id, sms_status: sms.status, phone: sms.to, segments: sms.segments,
        encoding: sms.encoding, price: formatMinor(sms.price, await scaleOf(tx, sms.currency)), currency: sms.currency,
      },
    };
  })));

  api.get('/v1/:mode/sms/countries', {
    config,
    schema: {
      ...schema, summary: 'KrezyPay: SMS countries',
      description: 'Where SMS can be sent in the path\'s mode, at what price per segment: `{"status": "success", "countries": [{"code": "US", "name": "United States", "price_per_segment": "0.01", "currency": "USD"}]}`.',
    },
  }, async (request) => {
    const prices = await smsCountries(db, ownerOf(request).mode);
    const countries = await Promise.all(prices.map(async (p) => ({
      code: p.country, name: countryCommonName(p.country) ?? p.country, price_per_segment: formatMinor(p.pricePerSegment, await scaleOf(db, p.currency)),
      currency: p.currency,
    })));
    return { status: 'success', countries };
  });
}
