import { Type } from '@fastify/type-provider-typebox';
import { getCard } from '../../../../cards/index.ts';
import { PAGE_LIMIT_MAX } from '../../../../lib/pagination.ts';
import { formatMinor } from '../../../../lib/money.ts';
import { listTransactions, TRANSACTION_STATUSES, TRANSACTION_TYPES, type Transaction } from '../../../../transactions/index.ts';
import { ownerOf } from '../../../../http/plugins/auth.ts';
import type { TypedApp } from '../../../../http/route.ts';
import { scaleOf } from '../../../shared.ts';
import { Body, CardId, Decimal, EXAMPLE, Success, krezyRead, krezyErrors, krezyRoute } from '../../schemas.ts';

/** Why 1,000: pages are numbered, so the last one skips (page - 1) × limit rows in SQL; this bounds that. */
export const KREZYPAY_PAGE_MAX = 1_000;
const LIMIT_DEFAULT = 20;

const TRANSACTION_EXAMPLE = {
  transaction_id: EXAMPLE.transactionId, type: 'authorization', status: 'pending', amount: '3.00', fee: '1.03', currency: 'USD',
  merchant: 'Facebook Ads', response_code: '00', reason: null, created_at: EXAMPLE.at,
};

const TransactionSchema = Type.Object({
  transaction_id: Type.String({ description: 'txn_…' }),
  type: Type.Enum(TRANSACTION_TYPES),
  status: Type.Enum(TRANSACTION_STATUSES),
  amount: Decimal("In the card's currency."),
  fee: Decimal('The fee taken with it.'),
  currency: Type.String(),
  merchant: Type.Union([Type.String(), Type.Null()], { description: "The card acceptor's name, for authorizations." }),
  response_code: Type.Union([Type.String(), Type.Null()], { description: 'ISO 8583 response code, for authorizations.' }),
  reason: Type.Union([Type.String(), Type.Null()], { description: 'The decline reason, for declined authorizations.' }),
  created_at: Type.String({ format: 'date-time' }),
}, { examples: [TRANSACTION_EXAMPLE] });

const krezyTransaction = (t: Transaction, scale: number) => ({
  transaction_id: t.id, type: t.type, status: t.status, amount: formatMinor(t.amount, scale), fee: formatMinor(t.fee, scale),
  currency: t.currency, merchant: t.merchant?.name ?? null, response_code: t.responseCode, reason: t.declineReason,
  created_at: t.createdAt.toISOString(),
});

export function cardTransactionsRoute(app: TypedApp): void {
  const { db } = app.deps;
  app.post('/v1/:mode/card/transactions', {
    config: krezyRead,
    schema: {
      ...krezyRoute, operationId: 'krezypay.listCardTransactions', summary: 'KrezyPay: card transactions',
      description: `Newest first; \`page\` from 1 (at most ${KREZYPAY_PAGE_MAX}), \`limit\` up to ${PAGE_LIMIT_MAX} `
        + `(default ${LIMIT_DEFAULT}). Amounts as decimal strings.`,
      body: Body({
        card_id: CardId,
        page: Type.Optional(Type.Integer({ minimum: 1, maximum: KREZYPAY_PAGE_MAX })),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: PAGE_LIMIT_MAX })),
      }, { card_id: EXAMPLE.cardId, page: 1, limit: 20 }),
      response: {
        200: Success({
          page: Type.Integer(), limit: Type.Integer(), has_more: Type.Boolean({ description: 'Whether a next page has any.' }),
          transactions: Type.Array(TransactionSchema),
        }, { page: 1, limit: 20, has_more: false, transactions: [TRANSACTION_EXAMPLE] }, 'One page of the card\'s transactions.'),
        ...krezyErrors,
      },
    },
  }, async (request) => {
    const owner = ownerOf(request);
    const card = await getCard(db, owner, request.body.card_id);
    const { page = 1, limit = LIMIT_DEFAULT } = request.body;
    const found = await listTransactions(db, owner, { cardId: card.id }, limit, null, (page - 1) * limit);
    const scale = await scaleOf(db, card.currency);
    return { status: 'success' as const, page, limit, has_more: found.hasMore, transactions: found.data.map((t) => krezyTransaction(t, scale)) };
  });
}
