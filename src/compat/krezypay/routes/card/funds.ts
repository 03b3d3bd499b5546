import { Type } from '@fastify/type-provider-typebox';
import { getCard, readCardBalances } from '../../../../cards/index.ts';
import type { fundCard } from '../../../../funding/index.ts';
import { formatMinor } from '../../../../lib/money.ts';
import { actionContext, ownerOf } from '../../../../http/plugins/auth.ts';
import { txOf, type TypedApp } from '../../../../http/route.ts';
import { decimalAmountOf, scaleOf } from '../../../shared.ts';
import { CardAmountBody, Decimal, EXAMPLE, Success, krezyErrors, krezyIdempotent, krezyRoute } from '../../schemas.ts';
import { TransactionSuccessful } from './send-authorization.ts';

export const FundsMovedSchema = Success({
  message: TransactionSuccessful,
  transaction_id: Type.String({ description: 'txn_…' }),
  amount: Decimal('The amount moved.'),
  balance: Decimal("The card's available balance after it."),
}, { message: 'Transaction successful.', transaction_id: EXAMPLE.transactionId, amount: '25.00', balance: '125.00' }, 'Moved.');

/** fundCard or withdraw: the same signature, money moving one way or the other. */
type Move = typeof fundCard;

/** card/fund and card/withdraw: the same body and answer over the funding module's two directions. */
export function fundsRoute(app: TypedApp, path: string, operation: { operationId: string; summary: string; description: string }, move: Move) {
  const { clock } = app.deps;
  app.post(`/v1/:mode/card/${path}`, {
    config: krezyIdempotent,
    schema: { ...krezyRoute, ...operation, body: CardAmountBody, response: { 200: FundsMovedSchema, ...krezyErrors } },
  }, async (request) => {
    const tx = txOf(request);
    const owner = ownerOf(request);
    const card = await getCard(tx, owner, request.body.card_id);
    const scale = await scaleOf(tx, card.currency);
    const txn = await move(tx, owner, card.id, decimalAmountOf(request, 'amount', scale), actionContext(request, clock.now()));
    const balances = await readCardBalances(tx, card);
    return {
      status: 'success' as const, message: 'Transaction successful.' as const, transaction_id: txn.id,
      amount: formatMinor(txn.amount, scale), balance: formatMinor(balances.available, scale),
    };
  });
}
