import { Type } from '@fastify/type-provider-typebox';
import { DomainError } from '../../../lib/errors.ts';
import {
  sendSms, SANDBOX_FAILING_NUMBER, SMS_SEGMENTS_MAX, SMS_TEXT_LENGTH_MAX, type SmsInput, type SmsPolicy,
} from '../../../sms/index.ts';
import { actionContext, ownerOf } from '../../plugins/auth.ts';
import { errorResponses } from '../../schemas.ts';
import { txOf, type TypedApp } from '../../route.ts';
import { E164, presentSmsBody, SmsSchema, smsSchema } from './shared.ts';

export const SmsRequestBody = Type.Object({
  to: Type.Optional(E164),
  customer_id: Type.Optional(Type.String({
    minLength: 1, maxLength: 64, description: "cus_…: send to the customer's phone instead of `to`.",
  })),
  text: Type.String({
    minLength: 1, maxLength: SMS_TEXT_LENGTH_MAX,
    description: `The message, at most ${SMS_SEGMENTS_MAX} segments. Never logged, never returned.`,
  }),
}, { additionalProperties: false, examples: [{ to: '+33612345678', text: 'Your Acme Wallet card ending 4242 is ready to use.' }] });

/** The body as the domain takes it. */
export const smsInput = (b: { to?: string; customer_id?: string; text: string }): SmsInput => ({
  text: b.text, ...(b.to !== undefined ? { to: b.to } : {}), ...(b.customer_id !== undefined ? { customerId: b.customer_id } : {}),
});

/** A rate refusal tells when to come back; the error handler sets Retry-After only for its own codes. */
export async function withRetryAfter<T>(reply: { header(name: string, value: string): unknown }, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof DomainError && err.code === 'rate_limited' && typeof err.details?.retryAfterSeconds === 'number') {
      reply.header('Retry-After', String(err.details.retryAfterSeconds));
    }
    throw err;
  }
}

const SEND_DESCRIPTION = "Sends `text` to `to` (a mobile number, E.164) or to a customer's phone (`customer_id`). Segments are "
  + 'counted as carriers do (GSM-7: 160 characters, 153 per part once split, extension characters `^{}\\\\[~]|€` counting 2; any '
  + 'other character makes it UCS-2: 70 UTF-16 code units, 67 per part; a character is never split across parts); at most '
  + `${SMS_SEGMENTS_MAX}. The price (segments × the destination's price per segment, GET /v1/sms/countries) is held on the `
  + 'wallet of its currency (422 `insufficient_funds` when it cannot be, nothing sent), taken when the provider reports '
  + 'delivery (`sms.delivered`) and returned on failure (`sms.failed`). Refused: a number on the operator\'s block list (422 '
  + '`recipient_blocked`), a country without a price or switched off (422 `country_not_supported`), more than the merchant\'s '
  + "rate a minute (429 with Retry-After), live SMS without a configured provider (422 `sms_unavailable`). Sandbox delivers at "
  + `once into the outbox (GET /v1/simulate/notifications); ${SANDBOX_FAILING_NUMBER} always fails.`;

export function sendSmsRoute(app: TypedApp, policy: SmsPolicy): void {
  const { clock, keys } = app.deps;
  app.post('/v1/sms', {
    config: { idempotent: true },
    schema: {
      ...smsSchema, operationId: 'sms.send', summary: 'Send an SMS',
      description: SEND_DESCRIPTION,
      body: SmsRequestBody,
      response: { 201: { ...SmsSchema, description: 'The SMS, queued (sandbox: delivered at once).' }, ...errorResponses(403, 404, 422) },
    },
  }, (request, reply) => withRetryAfter(reply, async () => {
    const sms = await sendSms(txOf(request), keys, ownerOf(request), smsInput(request.body), policy, actionContext(request, clock.now()));
    reply.code(201);
    return presentSmsBody(sms);
  }));
}
