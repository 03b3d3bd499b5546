import { Type, type Static } from '@fastify/type-provider-typebox';
import { STOCK_STATUSES, type StockCard } from '../../../cards/stock.ts';
import { Timestamp } from '../../schemas.ts';

export const cardStockDoc = { tags: ['Admin: cards'], security: [{ adminToken: [] }] };
export const ModeSchema = Type.Enum(['sandbox', 'live'] as const);

export const StockCardSchema = Type.Object({
  id: Type.String({ pattern: '^stock_[0-9]+$', description: "stock_…: the row's place in import order (the list's cursor)." }),
  object: Type.Literal('card_stock'),
  brand: Type.String(),
  bin: Type.String({ description: 'The first six digits.' }),
  last4: Type.String(),
  exp_month: Type.Integer(),
  exp_year: Type.Integer(),
  currency: Type.String(),
  merchant_id: Type.Union([Type.String(), Type.Null()], {
    description: 'The only merchant that can assign it; null for stock imported before stock had an owner.',
  }),
  mode: Type.Union([ModeSchema, Type.Null()]),
  status: Type.Enum(STOCK_STATUSES, {
    description: '`available` to its merchant, `assigned` to a card, or `unowned` (import it again for a merchant).',
  }),
  assigned_card_id: Type.Union([Type.String(), Type.Null()]),
  imported_at: Timestamp,
}, {
  title: 'CardStock',
  examples: [{
    id: 'stock_1042', object: 'card_stock', brand: 'VISA', bin: '400005', last4: '5556', exp_month: 9, exp_year: 2030, currency: 'USD',
    merchant_id: 'mch_01jz3k8w2yfq9t6v4x0c5n7m1r', mode: 'live', status: 'available', assigned_card_id: null,
    imported_at: '2026-10-28T14:05:00.000Z',
  }],
});

export const presentStock = (c: StockCard) => ({
  id: `stock_${c.seq}`, object: 'card_stock' as const, brand: c.brand, bin: c.bin, last4: c.last4, exp_month: c.expMonth,
  exp_year: c.expYear, currency: c.currency, merchant_id: c.merchantId, mode: c.mode, status: c.status,
  assigned_card_id: c.assignedCardId, imported_at: c.importedAt.toISOString(),
}) satisfies Static<typeof StockCardSchema>;
