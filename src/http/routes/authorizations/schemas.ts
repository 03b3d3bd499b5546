import { Type } from '@fastify/type-provider-typebox';
import type { Authorization } from '../../../authorizations/index.ts';
import type { Transaction } from '../../../transactions/index.ts';
import { AUTHORIZATION_EXAMPLE, AuthorizationSchema, TRANSACTION_EXAMPLE, TransactionSchema, presentAuthorization, presentTransaction } from '../../presenters/money.ts';

export const simulationDoc = { tags: ['Simulation'], security: [{ apiKey: [] }] };
export const transactionsDoc = { tags: ['Transactions'], security: [{ apiKey: [] }] };
export const AuthParams = Type.Object({ id: Type.String({ maxLength: 64, description: 'auth_…' }) });

/** The answer of a change to an authorization: the authorization after it, and the transaction that records it. */
export const WithTransaction = Type.Object({ authorization: AuthorizationSchema, transaction: TransactionSchema }, {
  examples: [{
    authorization: { ...AUTHORIZATION_EXAMPLE, status: 'closed', cleared_amount: 1850, held_amount: 0, expires_at: null },
    transaction: {
      ...TRANSACTION_EXAMPLE, type: 'clearing', amount: 1850, fee: 119, merchant_amount: 1850, merchant_currency: 'USD',
      merchant: AUTHORIZATION_EXAMPLE.merchant, response_code: '00', authorization_id: AUTHORIZATION_EXAMPLE.id,
    },
  }],
});

export const presentWithTransaction = (r: { authorization: Authorization; transaction: Transaction }) =>
  ({ authorization: presentAuthorization(r.authorization), transaction: presentTransaction(r.transaction) });
