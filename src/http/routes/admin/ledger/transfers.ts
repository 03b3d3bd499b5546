import { Type, type Static } from '@fastify/type-provider-typebox';
import { getAccountHistory, ID_LENGTH_MAX, type AccountHistory, type AccountHistoryEntry } from '../../../../ledger/index.ts';
import { notFound } from '../../../../lib/errors.ts';
import { toJsonNumber } from '../../../../lib/money.ts';
import { PAGE_LIMIT_DEFAULT } from '../../../../lib/pagination.ts';
import { PageQuery, Timestamp, errorResponses, listOf } from '../../../schemas.ts';
import type { TypedApp } from '../../../route.ts';

const nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);

export const AccountTransfersParams = Type.Object({
  accountId: Type.String({
    minLength: 1, maxLength: ID_LENGTH_MAX, description: 'A ledger account id, e.g. `card_…:available`.',
  }),
});

export const AccountTransfersQuery = Type.Object({
  limit: PageQuery.properties.limit,
  // The expiry job's voids are `<pending id>~expired`: 8 characters over a client id.
  starting_after: Type.Optional(Type.String({
    minLength: 1, maxLength: ID_LENGTH_MAX + 8, description: 'Cursor: the last transfer id of the previous page.',
  })),
}, { additionalProperties: false });

export const LedgerTransferSchema = Type.Object({
  object: Type.Literal('ledger_transfer'),
  id: Type.String(),
  debit_account_id: Type.String(),
  credit_account_id: Type.String(),
  side: Type.Enum(['debit', 'credit'], { description: 'Which side of the transfer the account asked about is on.' }),
  amount: Type.Integer({ minimum: 1, description: 'Minor units of `currency` (integer).' }),
  currency: Type.String({ description: 'ISO 4217 alphabetic code of the ledger.' }),
  ledger: Type.Integer({ description: 'ISO 4217 numeric code.' }),
  code: Type.String({ description: 'The kind of movement: `deposit`, `authorization`, `fee`…' }),
  type: Type.Enum(['single', 'pending', 'post_pending', 'void_pending'], {
    description: 'A pending transfer holds; a post or void resolves one.',
  }),
  state: Type.Enum(['pending', 'posted', 'voided'], {
    description: 'A pending transfer is `pending` until a post or a void (or its expiry) resolves it.',
  }),
  pending_id: nullable(Type.String({ description: 'For a post or void: the pending transfer it resolves.' })),
  resolved_by: nullable(Type.String({ description: 'For a resolved pending transfer: the post or void that resolved it.' })),
  expired: Type.Boolean({ description: 'True for a void written by the expiry job, and for a pending transfer it voided.' }),
  expires_at: nullable(Timestamp),
  resolved_at: nullable(Timestamp),
  created_at: Timestamp,
}, {
  title: 'LedgerTransfer',
  examples: [{
    object: 'ledger_transfer', id: 'auth_01jz3rb2k8e5v7w9y1a3c5d7f9:h1',
    debit_account_id: 'card_01jz3q9m4rt6w8y0a2c4e6g8j0:available', credit_account_id: 'card_01jz3q9m4rt6w8y0a2c4e6g8j0:reserve',
    side: 'debit', amount: 1250, currency: 'USD', ledger: 840, code: 'authorization', type: 'pending', state: 'posted',
    pending_id: null, resolved_by: 'auth_01jz3rb2k8e5v7w9y1a3c5d7f9:h1:post', expired: false,
    expires_at: '2026-11-11T10:25:12.402Z', resolved_at: '2026-11-05T08:02:44.120Z', created_at: '2026-11-04T10:25:12.402Z',
  }],
});

const TYPE_OF_FLAG = {
  pending: 'pending', post_pending_transfer: 'post_pending', void_pending_transfer: 'void_pending',
} as const;

export const presentLedgerTransfer = (history: AccountHistory, entry: AccountHistoryEntry) => {
  const { transfer: t, resolvedBy } = entry;
  const flag = t.flags.find((f) => f !== 'linked');
  return {
    object: 'ledger_transfer' as const, id: t.id, debit_account_id: t.debitAccountId, credit_account_id: t.creditAccountId,
    side: entry.side, amount: toJsonNumber(t.amount), currency: history.ledger.currency, ledger: t.ledger, code: t.code,
    type: flag ? TYPE_OF_FLAG[flag] : 'single' as const, state: entry.state, pending_id: t.pendingId,
    resolved_by: resolvedBy?.id ?? null,
    expired: t.expiry || (resolvedBy?.expiry ?? false), expires_at: t.expiresAt?.toISOString() ?? null,
    resolved_at: resolvedBy?.timestamp.toISOString() ?? null, created_at: t.timestamp.toISOString(),
  } satisfies Static<typeof LedgerTransferSchema>;
};

export function listAccountTransfersRoute(app: TypedApp): void {
  app.get('/admin/v1/ledger/accounts/:accountId/transfers', {
    config: { auth: 'admin' },
    schema: {
      tags: ['Admin: ledger'], security: [{ adminToken: [] }], operationId: 'admin.ledger.listAccountTransfers',
      summary: "An account's transfer history",
      description: 'The transfers that debit or credit one ledger account, newest first, with cursor pagination (`starting_after` '
        + 'is a transfer id of a previous page). Each shows its state: a pending transfer (a hold) is `pending` until a post '
        + 'or a void resolves it. Any account: cards (`card_…:available`, `card_…:reserve`), merchant wallets and settlement.',
      params: AccountTransfersParams,
      querystring: AccountTransfersQuery,
      response: {
        200: { ...listOf(LedgerTransferSchema), description: 'A page of transfers.' }, ...errorResponses(404),
      },
    },
  }, async (request) => {
    const { limit = PAGE_LIMIT_DEFAULT, starting_after: startingAfter = null } = request.query;
    const history = await getAccountHistory(app.deps.db, request.params.accountId, { limit, startingAfter, order: 'desc' });
    if (!history) throw notFound('ledger account', 'accountId');
    const data = history.data.map((e) => presentLedgerTransfer(history, e));
    return { object: 'list' as const, data, has_more: history.hasMore };
  });
}
