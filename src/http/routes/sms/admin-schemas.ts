import { Type, type Static } from '@fastify/type-provider-typebox';
import { countryCommonName } from '../../../lib/countries.ts';
import { toJsonNumber } from '../../../lib/money.ts';
import type { OperatorNotification } from '../../../notifications/index.ts';
import type { BlockedNumber, SmsPrice } from '../../../sms/index.ts';
import { listOf, Timestamp } from '../../schemas.ts';
import { ModeSchema } from './shared.ts';

export const PriceSchema = Type.Object({
  object: Type.Literal('sms_price'),
  mode: ModeSchema,
  country: Type.String(),
  name: Type.String(),
  currency: Type.String(),
  price_per_segment: Type.Integer({ description: 'Minor units of `currency`.' }),
  updated_at: Timestamp,
}, {
  examples: [{
    object: 'sms_price', mode: 'live', country: 'FR', name: 'France', currency: 'EUR', price_per_segment: 7,
    updated_at: '2026-11-01T07:50:00.000Z',
  }],
});

export const PriceList = { ...listOf(PriceSchema), description: 'The price table of the mode.' };

export const presentPrice = (p: SmsPrice) => ({
  object: 'sms_price' as const, mode: p.mode, country: p.country, name: countryCommonName(p.country) ?? p.country, currency: p.currency,
  price_per_segment: toJsonNumber(p.pricePerSegment), updated_at: p.updatedAt.toISOString(),
}) satisfies Static<typeof PriceSchema>;

export const BlockedSchema = Type.Object({
  object: Type.Literal('sms_blocked_number'), number: Type.String(), reason: Type.Union([Type.String(), Type.Null()]), created_at: Timestamp,
}, {
  examples: [{ object: 'sms_blocked_number', number: '+33612345678', reason: 'Asked to receive no more messages.', created_at: '2026-11-02T16:20:05.441Z' }],
});

export const presentBlocked = (b: BlockedNumber) => ({
  object: 'sms_blocked_number' as const, number: b.number, reason: b.reason, created_at: b.createdAt.toISOString(),
}) satisfies Static<typeof BlockedSchema>;

export const NotificationSchema = Type.Object({
  id: Type.String(), object: Type.Literal('notification'), merchant_id: Type.String(), mode: ModeSchema,
  customer_id: Type.Union([Type.String(), Type.Null()]), channel: Type.String(), kind: Type.String(), recipient: Type.String(),
  status: Type.String({ description: 'stored (sandbox outbox), queued, sent, delivered or failed.' }),
  attempts: Type.Integer(), next_attempt_at: Type.Union([Timestamp, Type.Null()]),
  last_error: Type.Union([Type.String(), Type.Null()], { description: 'What went wrong on the last attempt; never the message.' }),
  provider: Type.Union([Type.String(), Type.Null()]), provider_message_id: Type.Union([Type.String(), Type.Null()]),
  created_at: Timestamp, updated_at: Timestamp,
}, {
  examples: [{
    id: 'ntf_01jz3y7g1mq4s8w2x6c0v3b9kd', object: 'notification', merchant_id: 'mch_01jz3k8w2yfq9t6v4x0c5n7m1r', mode: 'live',
    customer_id: 'cus_01jz3q5d8kf2r7w4v9x1b6n3ta', channel: 'sms', kind: 'card.activation_code', recipient: '+33612345678',
    status: 'queued', attempts: 2, next_attempt_at: '2026-11-06T12:04:00.000Z', last_error: 'twilio: 503 Service Unavailable',
    provider: 'twilio', provider_message_id: null, created_at: '2026-11-06T12:00:00.000Z', updated_at: '2026-11-06T12:02:00.000Z',
  }],
});

export const presentNotification = (n: OperatorNotification) => ({
  id: n.id, object: 'notification' as const, merchant_id: n.merchantId, mode: n.mode, customer_id: n.customerId, channel: n.channel,
  kind: n.kind, recipient: n.recipient, status: n.status, attempts: n.attempts, next_attempt_at: n.nextAttemptAt?.toISOString() ?? null,
  last_error: n.lastError, provider: n.provider, provider_message_id: n.providerMessageId,
  created_at: n.createdAt.toISOString(), updated_at: n.updatedAt.toISOString(),
}) satisfies Static<typeof NotificationSchema>;
