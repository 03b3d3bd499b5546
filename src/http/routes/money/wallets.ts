import type { FastifyInstance } from 'fastify';
import { Type } from '@fastify/type-provider-typebox';
import { deposit, listWallets } from '../../../funding/index.ts';
import { getMerchant } from '../../../merchants/index.ts';
import { presentTransaction } from '../../../transactions/index.ts';
import { toJsonNumber } from '../../../lib/money.ts';
import { actionContext, ownerOf, requireSandbox } from '../../plugins/auth.ts';
import { mutation } from '../../plugins/idempotency.ts';
import { amountFrom } from '../../plugins/number-texts.ts';
import { Amount, Currency, TransactionSchema } from '../../presenters/money.ts';
import { errorResponses } from '../../schemas.ts';

const WalletSchema = Type.Object({ object: Type.Literal('wallet'), currency: Type.String(), available: Type.Integer({ description: 'Minor units, from the ledger.' }) });

export function walletRoutes(app: FastifyInstance): void {
  const { db, clock } = app.deps;

  app.get('/v1/wallets', {
    schema: {
      tags: ['Money'], security: [{ apiKey: [] }], summary: 'List wallets',
      description: "The merchant's wallets in the key's mode, one per currency used, with the available balance from the ledger. Wallets fund cards and receive what closed cards return.",
      response: { 200: Type.Object({ object: Type.Literal('list'), data: Type.Array(WalletSchema), has_more: Type.Boolean() }), ...errorResponses(403) },
    },
  }, async (request) => {
    const wallets = await listWallets(db, ownerOf(request));
    return { object: 'list' as const, data: wallets.map((w) => ({ object: 'wallet' as const, currency: w.currency, available: toJsonNumber(w.available) })), has_more: false };
  });

  app.post('/v1/simulate/wallet_deposits', {
    schema: {
      tags: ['Simulation'], security: [{ apiKey: [] }], summary: 'Simulate a wallet deposit',
      description: 'Sandbox only: money arrives in the merchant wallet of a currency from outside. Writes `wallet.updated`.',
      body: Type.Object({ currency: Currency, amount: Amount }, { additionalProperties: false }),
      response: { 200: TransactionSchema, ...errorResponses(403) },
    },
  }, (request, reply) => mutation(request, reply, async (tx) => {
    requireSandbox(request);
    const { currency } = request.body as { currency: string };
    return { status: 200, body: presentTransaction(await deposit(tx, ownerOf(request), currency, amountFrom(request, 'amount'), actionContext(request, clock.now()))) };
  }));

  app.post('/admin/v1/merchants/:id/wallet_credits', {
    config: { auth: 'admin' },
    schema: {
      tags: ['Admin: money'], security: [{ adminToken: [] }], summary: 'Credit a merchant wallet',
      description: "The operator records money received from the merchant (e.g. a bank transfer) into its wallet. `mode` defaults to live.",
      params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
      body: Type.Object({ currency: Currency, amount: Amount, mode: Type.Optional(Type.Union([Type.Literal('sandbox'), Type.Literal('live')])) }, { additionalProperties: false }),
      response: { 200: TransactionSchema, ...errorResponses(404) },
    },
  }, (request, reply) => mutation(request, reply, async (tx) => {
    const merchant = await getMerchant(tx, (request.params as { id: string }).id);
    const { currency, mode } = request.body as { currency: string; mode?: 'sandbox' | 'live' };
    const txn = await deposit(tx, { merchantId: merchant.id, mode: mode ?? 'live' }, currency, amountFrom(request, 'amount'), actionContext(request, clock.now()));
    return { status: 200, body: presentTransaction(txn) };
  }));
}
