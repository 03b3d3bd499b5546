import { Type, type Static } from '@fastify/type-provider-typebox';
import type { Wallet } from '../../../funding/index.ts';
import { toJsonNumber } from '../../../lib/money.ts';
import { Amount, Currency } from '../../presenters/money.ts';

export const WalletSchema = Type.Object({
  object: Type.Literal('wallet'),
  currency: Type.String(),
  available: Type.Integer({ description: 'Minor units, from the ledger.' }),
}, { examples: [{ object: 'wallet', currency: 'USD', available: 250000 }] });

export const presentWallet = (w: Wallet) =>
  ({ object: 'wallet' as const, currency: w.currency, available: toJsonNumber(w.available) }) satisfies Static<typeof WalletSchema>;

export const DEPOSIT_EXAMPLE = { currency: 'USD', amount: 100000 } as const;
export const DepositBody = Type.Object({ currency: Currency, amount: Amount }, { additionalProperties: false, examples: [DEPOSIT_EXAMPLE] });
