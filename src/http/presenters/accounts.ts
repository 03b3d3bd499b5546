import { Type, type Static } from '@fastify/type-provider-typebox';
import { accountPayload, type Account } from '../../accounts/index.ts';
import { Timestamp } from '../schemas.ts';

export const AccountSchema = Type.Object({
  id: Type.String({ description: 'acct_…' }),
  object: Type.Literal('account'),
  customer_id: Type.String({ description: 'cus_…' }),
  currency: Type.String({ description: 'ISO 4217; one account per customer and currency.' }),
  livemode: Type.Boolean(),
  created_at: Timestamp,
}, {
  examples: [{
    id: 'acct_01jz3r1m6wq8d2k5t9v3x7b0nc', object: 'account', customer_id: 'cus_01jz3q5d8kf2r7w4v9x1b6n3ta', currency: 'USD',
    livemode: false, created_at: '2026-11-04T10:22:05.830Z',
  }],
});

/** The same object as `account.created` carries (built by the domain module), checked against the schema. */
export const presentAccount = (a: Account) => accountPayload(a) satisfies Static<typeof AccountSchema>;
