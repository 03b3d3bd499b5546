import type { FastifyInstance } from 'fastify';
import { Type, type Static, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { AMOUNT_MAX, toJsonNumber } from '../../../lib/money.ts';
import { PHONE_TEXT_LENGTH_MAX, type PhoneFormat, type TopupFailureCode, type TopupProduct, type TopupStatus } from '../../../topups/index.ts';
import { ExactInteger } from '../../plugins/number-texts.ts';
import { Timestamp } from '../../schemas.ts';

export const tags = ['Top-ups'];
export const security = [{ apiKey: [] }];

/** The routes of this folder, typed from their schemas (no casts of request.body). */
export const typed = (app: FastifyInstance) => app.withTypeProvider<TypeBoxTypeProvider>();

/**
 * mutation() answers the work's body or a stored replay of it (JSON, so `unknown` to TypeScript); the route's
 * response schema serializes either. This is the one place that says so to the type provider.
 */
export const replayable = (answer: Promise<unknown>) => answer as Promise<never>;

/** The wire lists, written out (a union built by mapping a list widens to string); the checks below keep them the domain's. */
export const TopupStatusSchema = Type.Union([Type.Literal('pending'), Type.Literal('succeeded'), Type.Literal('failed')]);
const FailureCodeSchema = Type.Union([Type.Literal('recipient_invalid'), Type.Literal('provider_declined'), Type.Literal('provider_unreachable')]);
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const statusesMatch: Same<Static<typeof TopupStatusSchema>, TopupStatus> = true;
const failureCodesMatch: Same<Static<typeof FailureCodeSchema>, TopupFailureCode> = true;
void statusesMatch;
void failureCodesMatch;

export const Country = Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2, capitals: CM, US.' });

/** What estimate and send both take. */
export const TopupRequestBody = Type.Object({
  country: Country,
  operator: Type.String({ minLength: 1, maxLength: 64, description: 'The mobile operator, as the schema names it (case does not matter).' }),
  phone: Type.String({ minLength: 1, maxLength: PHONE_TEXT_LENGTH_MAX, description: 'A mobile number of `country`: E.164 (+237671234567) or national (6 71 23 45 67).' }),
  amount: ExactInteger({ minimum: 1, maximum: Number(AMOUNT_MAX), description: "Airtime, in minor units of the operator's currency (XAF has none: 1000 is 1,000 francs)." }),
}, { additionalProperties: false });

export const TopupSchema = Type.Object({
  id: Type.String({ description: 'top_…' }),
  object: Type.Literal('topup'),
  status: Type.Union([TopupStatusSchema], { description: '`pending` until the provider answers, then `succeeded` or `failed`.' }),
  country: Type.String(),
  operator: Type.String(),
  phone: Type.String({ description: 'E.164.' }),
  amount: Type.Integer({ description: 'Airtime, minor units of `currency`.' }),
  currency: Type.String(),
  price: Type.Integer({ description: 'Minor units of `wallet_currency`.' }),
  fee: Type.Integer({ description: 'Minor units of `wallet_currency`.' }),
  total: Type.Integer({ description: 'price + fee: what the wallet pays (held while pending, returned if it fails).' }),
  wallet_currency: Type.String(),
  failure_code: Type.Union([FailureCodeSchema, Type.Null()]),
  failure_message: Type.Union([Type.String(), Type.Null()]),
  livemode: Type.Boolean(),
  created_at: Timestamp,
  updated_at: Timestamp,
  completed_at: Type.Union([Timestamp, Type.Null()]),
});

export const OperatorSchema = Type.Object({
  name: Type.String(),
  currency: Type.String({ description: 'The airtime currency; amounts are its minor units.' }),
  denominations: Type.Optional(Type.Array(Type.Integer(), { description: 'The fixed amounts on offer (absent for a range).' })),
  min_amount: Type.Optional(Type.Integer()),
  max_amount: Type.Optional(Type.Integer()),
  wallet_currency: Type.String({ description: 'The wallet a top-up is charged to.' }),
});

export const PhoneFormatSchema = Type.Union([Type.Object({
  country_calling_code: Type.String(),
  example: Type.String({ description: 'A valid mobile number, E.164.' }),
  national_example: Type.String({ description: 'The same, as written in the country.' }),
}), Type.Null()]);

/** A product as merchants see it: what they can buy, not what it costs the operator. */
export function presentOperator(p: TopupProduct) {
  return {
    name: p.operator, currency: p.currency,
    ...(p.denominations !== null
      ? { denominations: p.denominations.map(toJsonNumber) }
      : { min_amount: toJsonNumber(p.minAmount!), max_amount: toJsonNumber(p.maxAmount!) }),
    wallet_currency: p.walletCurrency,
  };
}

export function presentPhoneFormat(f: PhoneFormat | null) {
  return f === null ? null : { country_calling_code: f.callingCode, example: f.example, national_example: f.nationalExample };
}
