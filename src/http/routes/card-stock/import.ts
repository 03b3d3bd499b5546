import { Type } from '@fastify/type-provider-typebox';
import { CARD_BRANDS, importCardStock } from '../../../cards/index.ts';
import { STOCK_IMPORT_MAX } from '../../../cards/stock.ts';
import { actionContext } from '../../plugins/auth.ts';
import { errorResponses } from '../../schemas.ts';
import { txOf, type TypedApp } from '../../route.ts';
import { ModeSchema, cardStockDoc } from './schemas.ts';

export const ImportCardStockBody = Type.Object({
  merchant_id: Type.String({ maxLength: 64, description: 'mch_…: the only merchant that can assign these cards' }),
  mode: Type.Enum(ModeSchema.enum, { description: 'the only key mode that can assign these cards' }),
  cards: Type.Array(Type.Object({
    card_number: Type.String({ pattern: '^[0-9]{12,19}$' }),
    brand: Type.Enum(CARD_BRANDS),
    exp_month: Type.Integer({ minimum: 1, maximum: 12 }),
    exp_year: Type.Integer({ minimum: 2020, maximum: 2099 }),
    currency: Type.String({ pattern: '^[A-Z]{3}$' }),
  }, { additionalProperties: false }), { minItems: 1, maxItems: STOCK_IMPORT_MAX }),
}, {
  additionalProperties: false,
  examples: [{
    merchant_id: 'mch_01jz3k8w2yfq9t6v4x0c5n7m1r', mode: 'live',
    cards: [{ card_number: '4000056655665556', brand: 'VISA', exp_month: 9, exp_year: 2030, currency: 'USD' }],
  }],
});

export const CardStockImportSchema = Type.Object({
  object: Type.Literal('card_stock_import'),
  imported: Type.Integer(),
}, { examples: [{ object: 'card_stock_import', imported: 1 }] });

export function importCardStockRoute(app: TypedApp): void {
  app.post('/admin/v1/card_stock', {
    config: { auth: 'admin', idempotent: true },
    schema: {
      ...cardStockDoc, operationId: 'admin.cardStock.import', summary: 'Import card stock',
      description: `Imports up to ${STOCK_IMPORT_MAX} pre-printed physical card numbers for one merchant and mode: only that merchant, `
        + 'with a key of that mode, can assign them (`POST /v1/cards/assign`, KazePay ucardAssign); to anyone else they answer 404 '
        + 'exactly as an unknown number does. Each is Luhn-checked and encrypted like any PAN; a known number is refused, except '
        + 'stock imported before stock had an owner, which this import claims. All-or-nothing: an error names the failing item\'s '
        + 'index in `param`. Audited with the merchant and mode.',
      body: ImportCardStockBody,
      response: { 201: CardStockImportSchema, ...errorResponses(404, 409, 422) },
    },
  }, async (request, reply) => {
    const { merchant_id: merchantId, mode, cards } = request.body;
    const items = cards.map((c) => ({ cardNumber: c.card_number, brand: c.brand, expMonth: c.exp_month, expYear: c.exp_year, currency: c.currency }));
    const context = actionContext(request, app.deps.clock.now());
    const { imported } = await importCardStock(txOf(request), app.deps.keys, { merchantId, mode }, items, context);
    reply.code(201);
    return { object: 'card_stock_import' as const, imported };
  });
}
