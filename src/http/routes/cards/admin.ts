import type { FastifyInstance } from 'fastify';
import { Type } from '@fastify/type-provider-typebox';
import { CARD_BRANDS, importCardStock, resetActivation, type StockItem } from '../../../cards/index.ts';
import { listCardStock, STOCK_IMPORT_MAX, STOCK_STATUSES, type StockCard, type StockStatus } from '../../../cards/stock.ts';
import { DomainError } from '../../../lib/errors.ts';
import { listNotifications } from '../../../notifications/index.ts';
import type { Mode } from '../../../merchants/index.ts';
import { PAGE_LIMIT_DEFAULT } from '../../../lib/pagination.ts';
import { actionContext, ownerOf, requireSandbox } from '../../plugins/auth.ts';
import { mutation } from '../../plugins/idempotency.ts';
import { CardSchema, cardBody } from '../../presenters/cards.ts';
import { PageQuery, errorResponses, listOf, Timestamp } from '../../schemas.ts';

export function cardAdminRoutes(app: FastifyInstance): void {
  const { db, keys, clock } = app.deps;
  const admin = { config: { auth: 'admin' as const } };
  const adminSchema = { tags: ['Admin: cards'], security: [{ adminToken: [] }] };

  app.post('/admin/v1/card_stock', {
    ...admin,
    schema: {
      ...adminSchema, summary: 'Import card stock',
      description: `Imports up to ${STOCK_IMPORT_MAX} pre-printed physical card numbers for one merchant and mode: only that merchant, with a key of that mode, can assign them (\`POST /v1/cards/assign\`, KazePay ucardAssign); to anyone else they answer 404 exactly as an unknown number does. Each is Luhn-checked and encrypted like any PAN; a known number is refused, except stock imported before stock had an owner, which this import claims. All-or-nothing: an error names the failing item's index in \`param\`. Audited with the merchant and mode.`,
      body: Type.Object({
        merchant_id: Type.String({ maxLength: 64, description: 'merchant_…: the only merchant that can assign these cards' }),
        mode: Type.Union([Type.Literal('sandbox'), Type.Literal('live')], { description: 'the only key mode that can assign these cards' }),
        cards: Type.Array(Type.Object({
          card_number: Type.String({ pattern: '^[0-9]{12,19}$' }),
          brand: Type.Union(CARD_BRANDS.map((b) => Type.Literal(b))),
          exp_month: Type.Integer({ minimum: 1, maximum: 12 }),
          exp_year: Type.Integer({ minimum: 2020, maximum: 2099 }),
          currency: Type.String({ pattern: '^[A-Z]{3}$' }),
        }, { additionalProperties: false }), { minItems: 1, maxItems: STOCK_IMPORT_MAX }),
      }, { additionalProperties: false }),
      response: { 201: Type.Object({ object: Type.Literal('card_stock_import'), imported: Type.Integer() }), ...errorResponses(404, 409, 422) },
    },
  }, (request, reply) =>
    mutation(request, reply, async (tx) => {
      const { merchant_id: merchantId, mode, cards } = request.body as { merchant_id: string; mode: Mode; cards: StockItem[] };
      const { imported } = await importCardStock(tx, keys, { merchantId, mode }, cards, actionContext(request, clock.now()));
      return { status: 201, body: { object: 'card_stock_import' as const, imported } };
    }));

  const StockCardSchema = Type.Object({
    id: Type.String({ pattern: '^stock_[0-9]+$', description: "stock_…: the row's place in import order (the list's cursor)." }),
    object: Type.Literal('card_stock'),
    brand: Type.String(),
    bin: Type.String({ description: 'The first six digits.' }),
    last4: Type.String(),
    exp_month: Type.Integer(),
    exp_year: Type.Integer(),
    currency: Type.String(),
    merchant_id: Type.Union([Type.String(), Type.Null()], { description: 'The only merchant that can assign it; null for stock imported before stock had an owner.' }),
    mode: Type.Union([Type.Literal('sandbox'), Type.Literal('live'), Type.Null()]),
    status: Type.Union(STOCK_STATUSES.map((st) => Type.Literal(st)), { description: '`available` to its merchant, `assigned` to a card, or `unowned` (import it again for a merchant).' }),
    assigned_card_id: Type.Union([Type.String(), Type.Null()]),
    imported_at: Timestamp,
  }, { title: 'CardStock' });
  const presentStock = (c: StockCard) => ({
    id: `stock_${c.seq}`, object: 'card_stock' as const, brand: c.brand, bin: c.bin, last4: c.last4, exp_month: c.expMonth,
    exp_year: c.expYear, currency: c.currency, merchant_id: c.merchantId, mode: c.mode, status: c.status,
    assigned_card_id: c.assignedCardId, imported_at: c.importedAt.toISOString(),
  });

  app.get('/admin/v1/card_stock', {
    ...admin,
    schema: {
      ...adminSchema, summary: 'List card stock',
      description: 'Imported stock, newest import first, with cursor pagination; filtered by `merchant_id`, `mode` and `status`. Never a card number: its BIN and last four digits only.',
      querystring: Type.Object({
        limit: PageQuery.properties.limit,
        starting_after: Type.Optional(Type.String({ maxLength: 32, description: 'Cursor: the id (stock_…) of the last row of the previous page.' })),
        merchant_id: Type.Optional(Type.String({ maxLength: 64 })),
        mode: Type.Optional(Type.Union([Type.Literal('sandbox'), Type.Literal('live')])),
        status: Type.Optional(Type.Union(STOCK_STATUSES.map((st) => Type.Literal(st)))),
      }, { additionalProperties: false }),
      response: { 200: listOf(StockCardSchema), ...errorResponses() },
    },
  }, async (request) => {
    const q = request.query as { limit?: number; starting_after?: string; merchant_id?: string; mode?: Mode; status?: StockStatus };
    const cursor = q.starting_after === undefined ? null : /^stock_([0-9]{1,18})$/.exec(q.starting_after)?.[1];
    if (cursor === undefined) throw new DomainError('parameter_invalid', '`starting_after` must be a stock id (stock_…).', 'starting_after');
    const limit = q.limit ?? PAGE_LIMIT_DEFAULT;
    const rows = await listCardStock(db, { merchantId: q.merchant_id, mode: q.mode, status: q.status }, limit + 1, cursor === null ? null : BigInt(cursor));
    return { object: 'list' as const, data: rows.slice(0, limit).map(presentStock), has_more: rows.length > limit };
  });

  app.post('/admin/v1/cards/:cardId/reset_activation', {
    ...admin,
    schema: {
      ...adminSchema, summary: 'Reset physical-card activation',
      description: 'Unlocks activation after too many wrong codes and sends the cardholder a new code. Audited.',
      params: Type.Object({ cardId: Type.String({ maxLength: 64 }) }),
      response: { 200: CardSchema, ...errorResponses(404, 409) },
    },
  }, (request, reply) =>
    mutation(request, reply, async (tx) => {
      const card = await resetActivation(tx, (request.params as { cardId: string }).cardId, { ...actionContext(request, clock.now()), keys });
      return { status: 200, body: await cardBody(app, tx, card) };
    }));

  app.get('/v1/simulate/notifications', {
    schema: {
      tags: ['Simulation'], security: [{ apiKey: [] }], summary: 'Sandbox notification outbox',
      description: 'Sandbox only: the messages Tessera sent to cardholders (activation codes, KYC results), newest first, optionally for one customer.',
      querystring: Type.Object({ ...PageQuery.properties, customer_id: Type.Optional(Type.String({ maxLength: 64 })) }, { additionalProperties: false }),
      response: {
        200: listOf(Type.Object({
          id: Type.String(), object: Type.Literal('notification'), customer_id: Type.Union([Type.String(), Type.Null()]), channel: Type.String(),
          recipient: Type.String(), kind: Type.String(), body: Type.String(), status: Type.String(), created_at: Timestamp,
        })),
        ...errorResponses(403),
      },
    },
  }, async (request) => {
    requireSandbox(request);
    const q = request.query as { limit?: number; starting_after?: string; customer_id?: string };
    const limit = q.limit ?? PAGE_LIMIT_DEFAULT;
    const rows = await listNotifications(db, keys, ownerOf(request), q.customer_id ?? null, limit + 1, q.starting_after ?? null);
    return {
      object: 'list' as const, has_more: rows.length > limit,
      data: rows.slice(0, limit).map((n) => ({
        id: n.id, object: 'notification' as const, customer_id: n.customerId, channel: n.channel, recipient: n.recipient, kind: n.kind,
        body: n.body, status: n.status, created_at: n.createdAt.toISOString(),
      })),
    };
  });
}
