import { Type } from '@fastify/type-provider-typebox';
import { deposit } from '../../../funding/index.ts';
import { actionContext, ownerOf } from '../../plugins/auth.ts';
import { amountFrom } from '../../plugins/number-texts.ts';
import { TransactionSchema, TRANSACTION_EXAMPLE, presentTransaction } from '../../presenters/money.ts';
import { errorResponses } from '../../schemas.ts';
import { txOf, type TypedApp } from '../../route.ts';
import { DEPOSIT_EXAMPLE, DepositBody } from './schemas.ts';

/** A deposit as the answer shows it: a completed transaction on no card. */
export const DepositSchema = Type.Object(TransactionSchema.properties, {
  description: 'The deposit, a completed transaction.',
  examples: [{ ...TRANSACTION_EXAMPLE, ...DEPOSIT_EXAMPLE, type: 'deposit', card_id: null }],
});

export function simulateWalletDepositRoute(app: TypedApp): void {
  app.post('/v1/simulate/wallet_deposits', {
    config: { sandboxOnly: true, idempotent: true },
    schema: {
      tags: ['Simulation'], security: [{ apiKey: [] }], operationId: 'wallets.simulateDeposit', summary: 'Simulate a wallet deposit',
      description: 'Sandbox only: money arrives in the merchant wallet of a currency from outside. Writes `wallet.updated`.',
      body: DepositBody,
      response: { 200: DepositSchema, ...errorResponses(403) },
    },
  }, async (request) => {
    const context = actionContext(request, app.deps.clock.now());
    return presentTransaction(await deposit(txOf(request), ownerOf(request), request.body.currency, amountFrom(request, 'amount'), context));
  });
}
