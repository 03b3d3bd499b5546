import type { FastifyInstance } from 'fastify';
import { Type } from '@fastify/type-provider-typebox';
import { toJsonNumber } from '../../../lib/money.ts';
import { PAGE_LIMIT_DEFAULT } from '../../../lib/pagination.ts';
import { countryCommonName } from '../../../lib/countries.ts';
import {
  blockNumber, listBlockedNumbers, listPrices, setPrices, unblockNumber, SMS_PRICE_PER_SEGMENT_MAX, SMS_PRICES_MAX, type SmsPrice,
} from '../../../sms/index.ts';
import { listNotificationsForOperator, NOTIFICATION_ATTEMPTS_MAX } from '../../../notifications/index.ts';
import { actionContext } from '../../plugins/auth.ts';
import { mutation } from '../../plugins/idempotency.ts';
import { ExactInteger } from '../../plugins/number-texts.ts';
import { Currency } from '../../presenters/money.ts';
import { errorResponses, listOf, PageQuery, Timestamp } from '../../schemas.ts';
import { adminSecurity, adminTags, E164, replayable, typed } from './shared.ts';

const ModeSchema = Type.Union([Type.Literal('sandbox'), Type.Literal('live')]);

const PriceSchema = Type.Object({
  object: Type.Literal('sms_price'),
  mode: ModeSchema,
  country: Type.String(),
  name: Type.String(),
  currency: Type.String(),
  price_per_segment: Type.Integer({ description: 'Minor units of `currency`.' }),
  updated_at: Timestamp,
});

const presentPrice = (p: SmsPrice) => ({
  object: 'sms_price' as const, mode: p.mode, country: p.country, name: countryCommonName(p.country) ?? p.country, currency: p.currency,
  price_per_segment: toJsonNumber(p.pricePerSegment), updated_at: p.updatedAt.toISOString(),
});

const BlockedSchema = Type.Object({
  object: Type.Literal('sms_blocked_number'), number: Type.String(), reason: Type.Union([Type.String(), Type.Null()]), created_at: Timestamp,
});

const NotificationSchema = Type.Object({
  id: Type.String(), object: Type.Literal('notification'), merchant_id: Type.String(), mode: ModeSchema,
  customer_id: Type.Union([Type.String(), Type.Null()]), channel: Type.String(), kind: Type.String(), recipient: Type.String(),
  status: Type.String({ description: 'stored (sandbox outbox), queued, sent, delivered or failed.' }),
  attempts: Type.Integer(), next_attempt_at: Type.Union([Timestamp, Type.Null()]),
  last_error: Type.Union([Type.String(), Type.Null()], { description: 'What went wrong on the last attempt; never the message.' }),
  provider: Type.Union([Type.String(), Type.Null()]), provider_message_id: Type.Union([Type.String(), Type.Null()]),
  created_at: Timestamp, updated_at: Timestamp,
});

/** The operator's SMS price table and block list, and its view of every message the channel sends. */
export function smsAdminRoutes(app: FastifyInstance): void {
  const { db, clock } = app.deps;
  const admin = { config: { auth: 'admin' as const } };

  typed(app).get('/admin/v1/sms/prices', {
    ...admin,
    schema: {
      tags: adminTags, security: adminSecurity, summary: 'SMS price table',
      description: 'The price per segment of each destination country, for one mode (default live).',
      querystring: Type.Object({ mode: Type.Optional(ModeSchema) }, { additionalProperties: false }),
      response: { 200: listOf(PriceSchema), ...errorResponses(404) },
    },
  }, async (request) => ({ object: 'list' as const, has_more: false, data: (await listPrices(db, request.query.mode ?? 'live')).map(presentPrice) }));

  typed(app).put('/admin/v1/sms/prices', {
    ...admin,
    schema: {
      tags: adminTags, security: adminSecurity, summary: 'Replace the SMS price table',
      description: `Replaces the whole table of one mode (up to ${SMS_PRICES_MAX} countries, each once); a country left out can no longer be sent to. Prices are per segment in minor units of a wallet currency. Audited.`,
      body: Type.Object({
        mode: ModeSchema,
        prices: Type.Array(Type.Object({
          country: Type.String({ pattern: '^[A-Z]{2}$' }),
          currency: Currency,
          price_per_segment: ExactInteger({ minimum: 1, maximum: Number(SMS_PRICE_PER_SEGMENT_MAX), description: 'Minor units of `currency`.' }),
        }, { additionalProperties: false }), { maxItems: SMS_PRICES_MAX }),
      }, { additionalProperties: false }),
      response: { 200: listOf(PriceSchema), ...errorResponses(404) },
    },
  }, (request, reply) => replayable(mutation(request, reply, async (tx) => {
    const { mode, prices } = request.body;
    // ExactInteger has checked each price's text: the number is that integer exactly (and far below 2^53).
    const input = prices.map((p) => ({ country: p.country, currency: p.currency, pricePerSegment: BigInt(p.price_per_segment) }));
    const table = await setPrices(tx, mode, input, actionContext(request, clock.now()));
    return { status: 200, body: { object: 'list' as const, has_more: false, data: table.map(presentPrice) } };
  })));

  typed(app).get('/admin/v1/sms/blocked_numbers', {
    ...admin,
    schema: {
      tags: adminTags, security: adminSecurity, summary: 'SMS block list', description: 'In number order; `starting_after` is the last number of the previous page.',
      querystring: PageQuery,
      response: { 200: listOf(BlockedSchema), ...errorResponses(404) },
    },
  }, async (request) => {
    const limit = request.query.limit ?? PAGE_LIMIT_DEFAULT;
    const rows = await listBlockedNumbers(db, limit + 1, request.query.starting_after ?? null);
    return {
      object: 'list' as const, has_more: rows.length > limit,
      data: rows.slice(0, limit).map((b) => ({ object: 'sms_blocked_number' as const, number: b.number, reason: b.reason, created_at: b.createdAt.toISOString() })),
    };
  });

  typed(app).post('/admin/v1/sms/blocked_numbers', {
    ...admin,
    schema: {
      tags: adminTags, security: adminSecurity, summary: 'Block a number',
      description: 'No merchant can send SMS to this number any more (422 `recipient_blocked`); Tessera\'s own messages (activation codes) still go. Blocking twice is no change. Audited.',
      body: Type.Object({ number: E164, reason: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })) }, { additionalProperties: false }),
      response: { 200: BlockedSchema, ...errorResponses(404) },
    },
  }, (request, reply) => replayable(mutation(request, reply, async (tx) => {
    const b = await blockNumber(tx, request.body.number, request.body.reason ?? null, actionContext(request, clock.now()));
    return { status: 200, body: { object: 'sms_blocked_number' as const, number: b.number, reason: b.reason, created_at: b.createdAt.toISOString() } };
  })));

  typed(app).delete('/admin/v1/sms/blocked_numbers/:number', {
    ...admin,
    schema: {
      tags: adminTags, security: adminSecurity, summary: 'Unblock a number', description: 'Audited; 404 when the number is not blocked.',
      params: Type.Object({ number: E164 }),
      response: { 200: Type.Object({ object: Type.Literal('sms_blocked_number'), number: Type.String(), deleted: Type.Literal(true) }), ...errorResponses(404) },
    },
  }, (request, reply) => replayable(mutation(request, reply, async (tx) => {
    await unblockNumber(tx, request.params.number, actionContext(request, clock.now()));
    return { status: 200, body: { object: 'sms_blocked_number' as const, number: request.params.number, deleted: true as const } };
  })));

  typed(app).get('/admin/v1/notifications', {
    ...admin,
    schema: {
      tags: adminTags, security: adminSecurity, summary: 'Messages the channel sends',
      description: `Every merchant's notifications (activation codes, KYC results, SMS), newest first, without their bodies: \`status=failed\` lists the sends that gave up (refused by the provider, or ${NOTIFICATION_ATTEMPTS_MAX} attempts failed), \`status=queued\` those waiting for a retry, with the last error and the next attempt.`,
      querystring: Type.Object({
        ...PageQuery.properties,
        status: Type.Optional(Type.Union([
          Type.Literal('stored'), Type.Literal('queued'), Type.Literal('sent'), Type.Literal('delivered'), Type.Literal('failed'),
        ])),
        channel: Type.Optional(Type.Union([Type.Literal('sms'), Type.Literal('email')])),
      }, { additionalProperties: false }),
      response: { 200: listOf(NotificationSchema), ...errorResponses(404) },
    },
  }, async (request) => {
    const q = request.query;
    const limit = q.limit ?? PAGE_LIMIT_DEFAULT;
    const rows = await listNotificationsForOperator(db, { status: q.status ?? null, channel: q.channel ?? null }, limit + 1, q.starting_after ?? null);
    return {
      object: 'list' as const, has_more: rows.length > limit,
      data: rows.slice(0, limit).map((n) => ({
        id: n.id, object: 'notification' as const, merchant_id: n.merchantId, mode: n.mode, customer_id: n.customerId, channel: n.channel,
        kind: n.kind, recipient: n.recipient, status: n.status, attempts: n.attempts, next_attempt_at: n.nextAttemptAt?.toISOString() ?? null,
        last_error: n.lastError, provider: n.provider, provider_message_id: n.providerMessageId,
        created_at: n.createdAt.toISOString(), updated_at: n.updatedAt.toISOString(),
      })),
    };
  });
}
