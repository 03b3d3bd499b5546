import { Type, type Static } from '@fastify/type-provider-typebox';
import { ExactInteger } from '../plugins/number-texts.ts';
import { AMOUNT_MAX } from '../../lib/money.ts';
import { TRANSACTION_STATUSES, TRANSACTION_TYPES, presentTransaction as transactionObject, type Transaction } from '../../transactions/index.ts';
import { presentAuthorization as authorizationObject, type Authorization } from '../../authorizations/index.ts';
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
}, { additionalProperties: false, examples: [{ name: 'Blue Bottle Coffee', mcc: '5814', country: 'US' }] });

const MERCHANT_EXAMPLE = { name: 'Blue Bottle Coffee', mcc: '5814', country: 'US' } as const;

export const TRANSACTION_EXAMPLE = {
  id: 'txn_01jz4d3f5h7k9n1q3s5v7x9z1b', object: 'transaction', type: 'funding', status: 'completed',
  card_id: 'card_01jz3q5v8kx2m4n6p8r0t2w4y6', amount: 2500, currency: 'USD', merchant_amount: null, merchant_currency: null, fee: 0,
  merchant: null, response_code: null, decline_reason: null, authorization_id: null, reservation_id: null, livemode: false,
  created_at: '2026-11-04T10:25:02.918Z', updated_at: '2026-11-04T10:25:02.918Z',
} as const;

export const AUTHORIZATION_EXAMPLE = {
  id: 'auth_01jz4e6g8j0m2p4r6t8w0y2a4c', object: 'authorization', card_id: 'card_01jz3q5v8kx2m4n6p8r0t2w4y6', status: 'approved',
  amount: 1850, approved_amount: 1850, held_amount: 1850, cleared_amount: 0, refunded_amount: 0, fee: 119, currency: 'USD',
  merchant_amount: 1850, merchant_currency: 'USD', fx_rate: null, merchant: MERCHANT_EXAMPLE, partial: false,
  funding_source: 'available', decision_source: 'tessera', decline_reason: null, response_code: '00', livemode: false,
  expires_at: '2026-11-11T10:27:44.031Z', created_at: '2026-11-04T10:27:44.031Z', updated_at: '2026-11-04T10:27:44.031Z',
} as const;

export const TransactionSchema = Type.Object({
  id: Type.String({ description: 'txn_…' }),
  object: Type.Literal('transaction'),
  type: Type.Enum(TRANSACTION_TYPES),
  status: Type.Enum(TRANSACTION_STATUSES),
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
}, { examples: [TRANSACTION_EXAMPLE] });

export const AuthorizationSchema = Type.Object({
  id: Type.String({ description: 'auth_…' }),
  object: Type.Literal('authorization'),
  card_id: Type.Union([Type.String(), Type.Null()]),
  status: Type.Enum(['approved', 'declined', 'closed', 'reversed', 'expired'] as const, { description: 'approved = holding funds; closed = cleared.' }),
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
  funding_source: Type.Enum(['available', 'reserve'] as const),
  decision_source: Type.Enum(['tessera', 'merchant', 'fallback'] as const),
  decline_reason: nullable(Type.String()),
  response_code: Type.String({ description: 'ISO 8583: 00 approved, 10 partial, 05, 14, 51, 54, 57, 61, 62, 65.' }),
  livemode: Type.Boolean(),
  expires_at: Type.Union([Timestamp, Type.Null()]),
  created_at: Timestamp,
  updated_at: Timestamp,
}, { examples: [AUTHORIZATION_EXAMPLE] });

/** Presenters typed against their schemas; the domain builds the same objects for its events. */
export const presentTransaction = (t: Transaction) => transactionObject(t) satisfies Static<typeof TransactionSchema>;
export const presentAuthorization = (a: Authorization) => authorizationObject(a) satisfies Static<typeof AuthorizationSchema>;
