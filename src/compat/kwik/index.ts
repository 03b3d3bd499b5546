import type { FastifyInstance } from 'fastify';
import { Type } from '@fastify/type-provider-typebox';
import { DomainError } from '../../lib/errors.ts';
import { applyStatus, getCard, listCards, monthsUntilExpiry, updateCard, type Card, type CardAction, type CardStatus } from '../../cards/index.ts';
import { actionContext, ownerOf } from '../../http/plugins/auth.ts';
import { mutation } from '../../http/plugins/idempotency.ts';
import { facadeErrors, sqlTimestamp } from '../shared.ts';

/** Why 1,000: Kwik's list has no paging; this bounds one response, newest first. */
export const KWIK_LIST_MAX = 1_000;
/** Why 100: one batch is one transaction holding its cards' locks. */
export const KWIK_UPDATE_MAX = 100;

/** Kwik's four statuses over Tessera's state machine. */
export const KWIK_STATUS: Record<CardStatus, KwikStatus> = {
  PENDING_ACTIVATION: 'DISABLED', ACTIVE: 'ACTIVE', INACTIVE: 'DISABLED', EXPIRED: 'EXPIRED', TERMINATED: 'ARCHIVED', CLOSED: 'ARCHIVED', ARCHIVED: 'ARCHIVED',
};
type KwikStatus = 'ACTIVE' | 'ARCHIVED' | 'DISABLED' | 'EXPIRED';
const KWIK_STATUSES = ['ACTIVE', 'ARCHIVED', 'DISABLED', 'EXPIRED'] as const;
/** The state-machine action that reaches each Kwik status; EXPIRED is reached only by time. */
const ACTION_FOR: Record<KwikStatus, CardAction | null> = { ACTIVE: 'activate', DISABLED: 'deactivate', ARCHIVED: 'archive', EXPIRED: null };

function record(c: Card, now: Date) {
  const months = monthsUntilExpiry(c.expYear, c.expMonth, now);
  return {
    id: c.id, created_at: sqlTimestamp(c.createdAt), updated_at: sqlTimestamp(c.updatedAt), card_status: KWIK_STATUS[c.status],
    customer_id: c.customerId, card_nickname: c.nickname, card_ending: c.last4,
    card_expire: `${String(c.expMonth).padStart(2, '0')}/${String(c.expYear % 100).padStart(2, '0')}`, card_brand: c.brand,
    card_token: c.cardToken, is_expired: months < 0 || c.status === 'EXPIRED', is_recurring: c.isRecurring, is_default: c.isDefault,
    expire_in_months: Math.max(months, 0),
  };
}

const RecordSchema = Type.Object({
  id: Type.String(), created_at: Type.String(), updated_at: Type.Union([Type.String(), Type.Null()]), card_status: Type.Union(KWIK_STATUSES.map((s) => Type.Literal(s))),
  customer_id: Type.String(), card_nickname: Type.Union([Type.String(), Type.Null()]), card_ending: Type.String(), card_expire: Type.String(),
  card_brand: Type.String(),
  card_token: Type.String({ description: 'Opaque and random: 64 hexadecimal characters as in seed 001 (cards issued before keep their tok_… token).' }), is_expired: Type.Boolean(), is_recurring: Type.Boolean(), is_default: Type.Boolean(),
  expire_in_months: Type.Integer(),
});
const Failure = Type.Object({ status: Type.Literal(false), message: Type.String(), index: Type.Optional(Type.Integer()) });

/**
 * The Kwik card-vault API (seed 001) at /kwik: `GET /cards` and the batch
 * `POST /cards/update`, with `{status, records|results}` envelopes. A batch is
 * all-or-nothing: one failing record leaves every card unchanged and the
 * answer names its index.
 */
export async function kwik(app: FastifyInstance): Promise<void> {
  const { db, clock } = app.deps;
  facadeErrors(app, (err, status, request) => ({
    status,
    body: { status: false, message: err.message, ...((request as { kwikIndex?: number }).kwikIndex !== undefined ? { index: (request as { kwikIndex?: number }).kwikIndex } : {}) },
  }));

  app.get('/cards', {
    config: { auth: 'merchant' },
    schema: {
      tags: ['Kwik compatibility'], security: [{ apiKey: [] }], summary: 'Kwik: list cards',
      description: `Cards of the key's merchant and mode, newest first (at most ${KWIK_LIST_MAX}). Filters: \`expire_in_months\` (cards expiring within that many months), \`card_status\` (ACTIVE, ARCHIVED, DISABLED, EXPIRED — DISABLED covers frozen and not-yet-activated cards; ARCHIVED covers terminated, closed and archived ones), \`customer_id\`. Timestamps are UTC, \`YYYY-MM-DD HH:mm:ss\`.`,
      querystring: Type.Object({
        expire_in_months: Type.Optional(Type.Integer({ minimum: 0, maximum: 120 })),
        card_status: Type.Optional(Type.Union(KWIK_STATUSES.map((s) => Type.Literal(s)))),
        customer_id: Type.Optional(Type.String({ maxLength: 64 })),
      }, { additionalProperties: false }),
      response: { 200: Type.Object({ status: Type.Literal(true), records: Type.Array(RecordSchema) }), 400: Failure, 401: Failure },
    },
  }, async (request) => {
    const q = request.query as { expire_in_months?: number; card_status?: KwikStatus; customer_id?: string };
    const now = clock.now();
    const page = await listCards(db, ownerOf(request), { customerId: q.customer_id, expireInMonths: q.expire_in_months }, { limit: KWIK_LIST_MAX, startingAfter: null }, now);
    const records = page.data.filter((c) => !q.card_status || KWIK_STATUS[c.status] === q.card_status).map((c) => record(c, now));
    return { status: true as const, records };
  });

  app.post('/cards/update', {
    config: { auth: 'merchant' },
    schema: {
      tags: ['Kwik compatibility'], security: [{ apiKey: [] }], summary: 'Kwik: update cards',
      description: `Updates up to ${KWIK_UPDATE_MAX} cards. Only the fields sent change; \`card_nickname: null\` clears the nickname; \`is_default: true\` clears the flag on the customer's other cards. \`card_status\` moves the card through Tessera's state machine (ACTIVE unfreezes, DISABLED freezes, ARCHIVED archives for good; EXPIRED cannot be set). All-or-nothing: a failure changes nothing and names the record's \`index\`.`,
      body: Type.Object({
        records: Type.Array(Type.Object({
          id: Type.String({ minLength: 1, maxLength: 64 }),
          card_status: Type.Optional(Type.Union(KWIK_STATUSES.map((s) => Type.Literal(s)))),
          card_nickname: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()])),
          is_default: Type.Optional(Type.Boolean()),
        }, { additionalProperties: false }), { minItems: 1, maxItems: KWIK_UPDATE_MAX }),
      }, { additionalProperties: false }),
      response: { 200: Type.Object({ status: Type.Literal(true), results: Type.Array(RecordSchema) }), 400: Failure, 401: Failure, 404: Failure, 409: Failure, 422: Failure },
    },
  }, (request, reply) => mutation(request, reply, async (tx) => {
    const owner = ownerOf(request);
    const ctx = actionContext(request, clock.now());
    const results = [];
    for (const [index, r] of (request.body as { records: { id: string; card_status?: KwikStatus; card_nickname?: string | null; is_default?: boolean }[] }).records.entries()) {
      (request as { kwikIndex?: number }).kwikIndex = index;
      let card = await getCard(tx, owner, r.id, { forUpdate: true });
      if (r.card_status !== undefined && KWIK_STATUS[card.status] !== r.card_status) {
        const action = ACTION_FOR[r.card_status];
        if (action === null) throw new DomainError('invalid_card_status', `Record ${index}: a card becomes EXPIRED only when its expiry date passes.`);
        card = await applyStatus(tx, card, action, ctx);
      }
      if (r.card_nickname !== undefined || r.is_default !== undefined) {
        card = await updateCard(tx, owner, card.id, { nickname: r.card_nickname, isDefault: r.is_default }, ctx);
      }
      results.push(card);
    }
    (request as { kwikIndex?: number }).kwikIndex = undefined;
    // Re-read: a later record's is_default may have cleared an earlier one's.
    const fresh = await Promise.all(results.map((c) => getCard(tx, owner, c.id)));
    return { status: 200, body: { status: true, results: fresh.map((c) => record(c, ctx.at)) } };
  }));
}
