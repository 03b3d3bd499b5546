import { Type } from '@fastify/type-provider-typebox';
import { ExactInteger } from '../plugins/number-texts.ts';
import { AMOUNT_MAX } from '../../lib/money.ts';
import { TRANSACTION_STATUSES, TRANSACTION_TYPES } from '../../transactions/index.ts';
import { Timestamp } from '../schemas.ts';

const nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

/**
 * Native amounts: a positive integer number of minor units, written with digits only (no strings, fractions or
 * exponents, nothing beyond AMOUNT_MAX). Routes read them with amountFrom, from the number's text.
 */
export const Amount = ExactInteger({ minimum: 1, maximum: Number(AMOUNT_MAX), description: 'Minor units (cents), a positive integer.' });
export const Currency = Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 code, upper case, e.g. USD.' });

export const MerchantInfoSchema = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100 }),
  mcc: Type.String({ pattern: '^[0-9]{4}$', description: 'Merchant category code.' }),
  country: Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2.' }),
}, { additionalProperties: false });

export const TransactionSchema = Type.Object({
  id: Type.String({ description: 'txn_…' }),
  object: Type.Literal('transaction'),
  type: Type.Union(TRANSACTION_TYPES.map((t) => Type.Literal(t))),
  status: Type.Union(TRANSACTION_STATUSES.map((t) => Type.Literal(t))),
  card_id: Type.Union([Type.String(), Type.Null()]),
  amount: Type.Integer({ description: 'Card (or wallet) currency, minor units.' }),
  currency: Type.String(),
  merchant_amount: Type.Union([Type.Integer(), Type.Null()]),
  merchant_currency: nullable(Type.String()),
  fee: Type.Integer(),
  merchant: Type.Union([Type.Object({ name: Type.String(), mcc: Type.String(), country: Type.String() }), Type.Null()]),
  response_code: nullable(Type.String()),
  decline_reason: nullable(Type.String()),
  authorization_id: nullable(Type.String()),
  reservation_id: nullable(Type.String()),
  livemode: Type.Boolean(),
  created_at: Timestamp,
  updated_at: Timestamp,
});

export const AuthorizationSchema = Type.Object({
  id: Type.String({ description: 'auth_…' }),
  object: Type.Literal('authorization'),
  card_id: Type.Union([Type.String(), Type.Null()]),
  status: Type.Union(['approved', 'declined', 'closed', 'reversed', 'expired'].map((s) => Type.Literal(s)), { description: 'approved = holding funds; closed = cleared.' }),
  amount: Type.Integer({ description: 'Requested, in the card currency.' }),
  approved_amount: Type.Integer(),
  held_amount: Type.Integer(),
  cleared_amount: Type.Integer(),
  refunded_amount: Type.Integer(),
  fee: Type.Integer(),
  currency: Type.String(),
  merchant_amount: Type.Integer(),
  merchant_currency: Type.String(),
  fx_rate: nullable(Type.String()),
  merchant: Type.Object({ name: Type.String(), mcc: Type.String(), country: Type.String() }),
  partial: Type.Boolean(),
  funding_source: Type.Union([Type.Literal('available'), Type.Literal('reserve')]),
  decision_source: Type.Union([Type.Literal('tessera'), Type.Literal('merchant'), Type.Literal('fallback')]),
  decline_reason: nullable(Type.String()),
  response_code: Type.String({ description: 'ISO 8583: 00 approved, 10 partial, 05, 14, 51, 54, 57, 61, 62, 65.' }),
  livemode: Type.Boolean(),
  expires_at: Type.Union([Timestamp, Type.Null()]),
  created_at: Timestamp,
  updated_at: Timestamp,
});
