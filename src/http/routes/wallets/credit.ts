import { Type } from '@fastify/type-provider-typebox';
import { deposit } from '../../../funding/index.ts';
import { getMerchant } from '../../../merchants/index.ts';
import { actionContext } from '../../plugins/auth.ts';
import { amountFrom } from '../../plugins/number-texts.ts';
import { Amount, Currency, presentTransaction } from '../../presenters/money.ts';
import { errorResponses } from '../../schemas.ts';
import { txOf, type TypedApp } from '../../route.ts';
import { DEPOSIT_EXAMPLE } from './schemas.ts';
import { DepositSchema } from './simulate-deposit.ts';

export const WalletCreditBody = Type.Object({
  currency: Currency,
  amount: Amount,
  mode: Type.Optional(Type.Enum(['sandbox', 'live'] as const, { description: 'live by default.' })),
}, { additionalProperties: false, examples: [{ ...DEPOSIT_EXAMPLE, mode: 'live' }] });

export function creditWalletRoute(app: TypedApp): void {
  app.post('/admin/v1/merchants/:id/wallet_credits', {
    config: { auth: 'admin', idempotent: true },
    schema: {
      tags: ['Admin: money'], security: [{ adminToken: [] }], operationId: 'admin.wallets.credit', summary: 'Credit a merchant wallet',
      description: 'The operator records money received from the merchant (e.g. a bank transfer) into its wallet. `mode` defaults to live.',
      params: Type.Object({ id: Type.String({ maxLength: 64, description: 'mch_…' }) }),
      body: WalletCreditBody,
      response: { 200: DepositSchema, ...errorResponses(404) },
    },
  }, async (request) => {
    const tx = txOf(request);
    const merchant = await getMerchant(tx, request.params.id);
    const owner = { merchantId: merchant.id, mode: request.body.mode ?? 'live' };
    const context = actionContext(request, app.deps.clock.now());
    return presentTransaction(await deposit(tx, owner, request.body.currency, amountFrom(request, 'amount'), context));
  });
}
