import { Type } from '@fastify/type-provider-typebox';
import { formatMinor } from '../../../../lib/money.ts';
import { estimateSms, GSM7_PART, GSM7_SINGLE, SMS_SEGMENTS_MAX, UCS2_PART, UCS2_SINGLE } from '../../../../sms/index.ts';
import { ownerOf } from '../../../../http/plugins/auth.ts';
import { smsPolicyOf } from '../../../../http/routes/sms/index.ts';
import type { TypedApp } from '../../../../http/route.ts';
import { scaleOf } from '../../../shared.ts';
import { Body, Decimal, Success, krezyRead, krezyErrors, krezyRoute } from '../../schemas.ts';
import { Encoding, Message, PricePerSegment } from '../../sms.ts';

const FIELDS = {
  phone: 'string, a mobile number in E.164 (+14155552671); or customer_id',
  customer_id: "string, cus_…: the customer's phone; or phone",
  message: `string, 1 to ${SMS_SEGMENTS_MAX} segments`,
};
const ENCODINGS = { 'GSM-7': { single: GSM7_SINGLE, per_part: GSM7_PART }, 'UCS-2': { single: UCS2_SINGLE, per_part: UCS2_PART } };
const Limits = Type.Object({ single: Type.Integer({ description: 'Characters in a one-segment message.' }), per_part: Type.Integer() });

export const SmsSchemaAnswer = Success({
  fields: Type.Object({ phone: Type.String(), customer_id: Type.String(), message: Type.String() }, { description: 'What sms/send takes.' }),
  max_segments: Type.Integer(), per_minute: Type.Integer({ description: "The merchant's SMS a minute." }),
  encodings: Type.Object({ 'GSM-7': Limits, 'UCS-2': Limits }),
  country: Type.Optional(Type.String({ description: 'With `country`: it, when SMS can go there in this mode.' })),
  price_per_segment: Type.Optional(PricePerSegment), currency: Type.Optional(Type.String()),
  segments: Type.Optional(Type.Integer({ description: 'With `message`: its segments.' })), encoding: Type.Optional(Encoding),
  price: Type.Optional(Decimal('With both: segments × price per segment.')),
}, {
  fields: FIELDS, max_segments: SMS_SEGMENTS_MAX, per_minute: 60, encodings: ENCODINGS, country: 'US', price_per_segment: '0.01',
  currency: 'USD', segments: 1, encoding: 'GSM-7', price: '0.01',
}, 'The rules, and the price when asked.');

export function smsSchemaRoute(app: TypedApp): void {
  const { db } = app.deps;
  const policy = smsPolicyOf(app.deps.config);
  app.post('/v1/:mode/sms/schema', {
    config: krezyRead,
    schema: {
      ...krezyRoute, operationId: 'krezypay.smsSchema', summary: 'KrezyPay: SMS schema',
      description: 'What `sms/send` takes, how messages are cut into segments, and the limits; with `country`, its price per '
        + 'segment; with `message` too, its segments and price. Moves nothing.',
      body: Body({ country: Type.Optional(Type.String({ pattern: '^[A-Z]{2}$' })), message: Type.Optional(Message) },
        { country: 'US', message: 'Your code is 481 516.' }),
      response: { 200: SmsSchemaAnswer, ...krezyErrors },
    },
  }, async (request) => {
    const { country, message } = request.body;
    const e = await estimateSms(db, ownerOf(request), { ...(country !== undefined ? { country } : {}), ...(message !== undefined ? { text: message } : {}) });
    const scale = e.price ? await scaleOf(db, e.price.currency) : 0;
    return {
      status: 'success' as const, fields: FIELDS, max_segments: SMS_SEGMENTS_MAX, per_minute: policy.perMinute, encodings: ENCODINGS,
      ...(e.price && country ? { country, price_per_segment: formatMinor(e.price.pricePerSegment, scale), currency: e.price.currency } : {}),
      ...(e.segments ? { segments: e.segments.segments, encoding: e.segments.encoding } : {}),
      ...(e.total !== null ? { price: formatMinor(e.total, scale) } : {}),
    };
  });
}
