import { Type, type Static } from '@fastify/type-provider-typebox';
import { presentSms, SMS_STATUSES, type Sms } from '../../../sms/index.ts';
import { Timestamp } from '../../schemas.ts';

export const smsSchema = { tags: ['SMS'], security: [{ apiKey: [] }] };
export const smsAdmin = {
  config: { auth: 'admin' as const },
  schema: { tags: ['Admin: SMS and notifications'], security: [{ adminToken: [] }] },
};

export const SmsStatusSchema = Type.Enum(SMS_STATUSES);
export const ModeSchema = Type.Union([Type.Literal('sandbox'), Type.Literal('live')]);

export const E164 = Type.String({ pattern: '^\\+[1-9][0-9]{6,14}$', description: 'E.164: + and the country code, up to 15 digits (+14155552671).' });

export const SmsSchema = Type.Object({
  id: Type.String({ description: 'sms_…' }),
  object: Type.Literal('sms'),
  to: Type.String({ description: 'E.164.' }),
  customer_id: Type.Union([Type.String(), Type.Null()], { description: 'The customer it was sent to, when sent by `customer_id`.' }),
  country: Type.String({ description: 'The destination, from the number.' }),
  encoding: Type.Union([Type.Literal('GSM-7'), Type.Literal('UCS-2')]),
  segments: Type.Integer({ description: 'Parts the carrier sends: GSM-7 160 characters (153 each once split), UCS-2 70 (67).' }),
  price: Type.Integer({ description: 'segments × the price per segment, minor units of `currency`: held while queued or sent, taken on delivery, returned on failure.' }),
  currency: Type.String(),
  status: Type.Enum(SMS_STATUSES, { description: '`queued → sent → delivered | failed`, as the provider reports it.' }),
  failure_reason: Type.Union([Type.String(), Type.Null()]),
  created_at: Timestamp,
  updated_at: Timestamp,
}, {
  examples: [{
    id: 'sms_01jz3x2f6hq9n3t7w1k5c8v2pd', object: 'sms', to: '+33612345678', customer_id: null, country: 'FR', encoding: 'GSM-7',
    segments: 1, price: 7, currency: 'EUR', status: 'delivered', failure_reason: null,
    created_at: '2026-11-06T11:02:40.118Z', updated_at: '2026-11-06T11:02:41.930Z',
  }],
});

/** The same object as the `sms.*` events carry (built by the domain module), checked against the schema. */
export const presentSmsBody = (s: Sms) => presentSms(s) satisfies Static<typeof SmsSchema>;

export const SmsCountrySchema = Type.Object({
  object: Type.Literal('sms_country'),
  country: Type.String({ description: 'ISO 3166-1 alpha-2.' }),
  name: Type.String(),
  price_per_segment: Type.Integer({ description: 'Minor units of `currency`.' }),
  currency: Type.String(),
}, { examples: [{ object: 'sms_country', country: 'FR', name: 'France', price_per_segment: 7, currency: 'EUR' }] });
