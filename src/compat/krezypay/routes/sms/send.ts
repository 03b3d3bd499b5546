import { Type } from '@fastify/type-provider-typebox';
import { formatMinor } from '../../../../lib/money.ts';
import { SANDBOX_FAILING_NUMBER, SMS_STATUSES, sendSms } from '../../../../sms/index.ts';
import { actionContext, ownerOf } from '../../../../http/plugins/auth.ts';
import { smsPolicyOf } from '../../../../http/routes/sms/index.ts';
import { withRetryAfter } from '../../../../http/routes/sms/send.ts';
import { txOf, type TypedApp } from '../../../../http/route.ts';
import { scaleOf } from '../../../shared.ts';
import { Body, Decimal, EXAMPLE, Success, krezyErrors, krezyIdempotent, krezyRoute } from '../../schemas.ts';
import { Encoding, Message, Phone, SmsCustomerId } from '../../sms.ts';

export const SmsSentSchema = Success({
  message: Type.Literal('SMS accepted.'), sms_id: Type.String({ description: 'sms_…' }), sms_status: Type.Enum(SMS_STATUSES),
  phone: Type.String({ description: 'E.164.' }), segments: Type.Integer(), encoding: Encoding,
  price: Decimal('Held on the wallet; taken on delivery, returned on failure.'), currency: Type.String(),
}, {
  message: 'SMS accepted.', sms_id: 'sms_01jz4t8f2k5n7q9s1v3x6z0b2d', sms_status: 'queued', phone: '+14155552671', segments: 1,
  encoding: 'GSM-7', price: '0.01', currency: 'USD',
}, 'Accepted and charged to the wallet.');

export function sendSmsRoute(app: TypedApp): void {
  const { clock, keys } = app.deps;
  const policy = smsPolicyOf(app.deps.config);
  app.post('/v1/:mode/sms/send', {
    config: krezyIdempotent,
    schema: {
      ...krezyRoute, operationId: 'krezypay.sendSms', summary: 'KrezyPay: send an SMS',
      description: "Sends `message` to `phone` (or to the customer's phone), charged to the wallet. The price is held, taken on "
        + 'delivery, returned on failure (GET /v1/sms/{id}; webhooks `sms.delivered` / `sms.failed`). Not enough in the wallet, a '
        + 'blocked number, a country without a price: 422, nothing sent; over the rate a minute: 429 with Retry-After. In sandbox '
        + `the message is delivered at once into the outbox, except to ${SANDBOX_FAILING_NUMBER}, which fails.`,
      body: Body({ phone: Type.Optional(Phone), customer_id: Type.Optional(SmsCustomerId), message: Message },
        { customer_id: EXAMPLE.customerId, message: 'Your card ending 9217 is ready.' }),
      response: { 200: SmsSentSchema, ...krezyErrors },
    },
  }, (request, reply) => withRetryAfter(reply, async () => {
    const tx = txOf(request);
    const { phone, customer_id: customerId, message } = request.body;
    const input = { text: message, ...(phone !== undefined ? { to: phone } : {}), ...(customerId !== undefined ? { customerId } : {}) };
    const sms = await sendSms(tx, keys, ownerOf(request), input, policy, actionContext(request, clock.now()));
    return {
      status: 'success' as const, message: 'SMS accepted.' as const, sms_id: sms.id, sms_status: sms.status, phone: sms.to,
      segments: sms.segments, encoding: sms.encoding, price: formatMinor(sms.price, await scaleOf(tx, sms.currency)), currency: sms.currency,
    };
  }));
}
