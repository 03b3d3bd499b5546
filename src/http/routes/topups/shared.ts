import { Type, type Static } from '@fastify/type-provider-typebox';
import { AMOUNT_MAX, toJsonNumber } from '../../../lib/money.ts';
import {
  PHONE_TEXT_LENGTH_MAX, TOPUP_FAILURE_CODES, TOPUP_STATUSES, presentTopup, type PhoneFormat, type Topup, type TopupProduct,
} from '../../../topups/index.ts';
import { ExactInteger } from '../../plugins/number-texts.ts';
import { Timestamp } from '../../schemas.ts';

export const topupsSchema = { tags: ['Top-ups'], security: [{ apiKey: [] }] };

export const TopupStatusSchema = Type.Enum(TOPUP_STATUSES);
const FailureCodeSchema = Type.Enum(TOPUP_FAILURE_CODES);

export const Country = Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2, capitals: CM, US.' });

/** What estimate and send both take. */
export const TopupRequestBody = Type.Object({
  country: Country,
  operator: Type.String({ minLength: 1, maxLength: 64, description: 'The mobile operator, as the schema names it (case does not matter).' }),
  phone: Type.String({ minLength: 1, maxLength: PHONE_TEXT_LENGTH_MAX, description: 'A mobile number of `country`: E.164 (+237671234567) or national (6 71 23 45 67).' }),
  amount: ExactInteger({
    minimum: 1, maximum: Number(AMOUNT_MAX), description: "Airtime, in minor units of the operator's currency (XAF has none: 1000 is 1,000 francs).",
  }),
}, { additionalProperties: false, examples: [{ country: 'CM', operator: 'MTN', phone: '+237671234567', amount: 1000 }] });

export const TopupSchema = Type.Object({
  id: Type.String({ description: 'top_…' }),
  object: Type.Literal('topup'),
  status: Type.Enum(TOPUP_STATUSES, { description: '`pending` until the provider answers, then `succeeded` or `failed`.' }),
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
}, {
  examples: [{
    id: 'top_01jz3w8d4kq2m6x9t3v7b1n5rc', object: 'topup', status: 'succeeded', country: 'CM', operator: 'MTN', phone: '+237671234567',
    amount: 1000, currency: 'XAF', price: 170, fee: 10, total: 180, wallet_currency: 'USD', failure_code: null, failure_message: null,
    livemode: false, created_at: '2026-11-06T09:30:00.125Z', updated_at: '2026-11-06T09:30:02.281Z', completed_at: '2026-11-06T09:30:02.281Z',
  }],
});

/** The same object as the `topup.*` events carry (built by the domain module), checked against the schema. */
export const presentTopupBody = (t: Topup) => presentTopup(t) satisfies Static<typeof TopupSchema>;

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
export const presentOperator = (p: TopupProduct) => ({
  name: p.operator, currency: p.currency,
  ...(p.denominations !== null
    ? { denominations: p.denominations.map(toJsonNumber) }
    : { min_amount: toJsonNumber(p.minAmount!), max_amount: toJsonNumber(p.maxAmount!) }),
  wallet_currency: p.walletCurrency,
}) satisfies Static<typeof OperatorSchema>;

export const presentPhoneFormat = (f: PhoneFormat | null) => (f === null
  ? null
  : { country_calling_code: f.callingCode, example: f.example, national_example: f.nationalExample }) satisfies Static<typeof PhoneFormatSchema>;
