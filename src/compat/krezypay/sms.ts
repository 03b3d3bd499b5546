import { Type } from '@fastify/type-provider-typebox';
import { SMS_SEGMENTS_MAX, SMS_TEXT_LENGTH_MAX } from '../../sms/index.ts';
import { Decimal } from './schemas.ts';

/**
 * KrezyPay's SMS menu (seed 002: SMS Schema, Send SMS, Supporting country; named only) in the style of its
 * documented card endpoints: POST with JSON, `{"status": "success", …}`, prices as decimal strings, its error
 * bodies. `sms/send` is POST /v1/sms with KrezyPay's names (`phone`, `message`); `sms/countries` is
 * GET /v1/sms/countries; `sms/schema` says what `sms/send` takes and, given a country or a message, what it costs.
 * The fields the three share are here; each route is in routes/sms/.
 */

export const Phone = Type.String({ pattern: '^\\+[1-9][0-9]{6,14}$', description: 'A mobile number in E.164: +14155552671.' });
export const Message = Type.String({ minLength: 1, maxLength: SMS_TEXT_LENGTH_MAX, description: `The text, at most ${SMS_SEGMENTS_MAX} segments.` });
export const SmsCustomerId = Type.String({ minLength: 1, maxLength: 64, description: "cus_…: the customer's phone instead of `phone`." });
export const Encoding = Type.Enum(['GSM-7', 'UCS-2'], { description: 'GSM-7, or UCS-2 once any character is outside it.' });
export const PricePerSegment = Decimal('The price of one segment in `currency`.');

