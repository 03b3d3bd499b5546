import { Type, type Static } from '@fastify/type-provider-typebox';
import { AMOUNT_MAX, toJsonNumber } from '../../../../lib/money.ts';
import { TOPUP_DENOMINATIONS_MAX, type TopupProduct, type TopupProductInput } from '../../../../topups/index.ts';
import { ExactInteger } from '../../../plugins/number-texts.ts';
import { Timestamp } from '../../../schemas.ts';

export const ModeSchema = Type.Union([Type.Literal('sandbox'), Type.Literal('live')]);
const minor = (description: string, minimum = 1) => ExactInteger({ minimum, maximum: Number(AMOUNT_MAX), description });

const PRODUCT_EXAMPLE = {
  country: 'CM', operator: 'MTN', currency: 'XAF', denominations: [500, 1000, 2000, 5000], wallet_currency: 'USD', rate: '0.0017',
  fee_fixed: 10, fee_percent_bps: 0, provider_operator_id: '1159',
};

export const ProductBody = Type.Object({
  country: Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2.' }),
  operator: Type.String({ minLength: 1, maxLength: 64, description: 'The mobile operator as merchants name it; one product per operator and country.' }),
  currency: Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217: the airtime the recipient gets.' }),
  denominations: Type.Optional(Type.Array(minor('Minor units of `currency`.'), {
    minItems: 1, maxItems: TOPUP_DENOMINATIONS_MAX, description: 'Fixed amounts, ascending; or give a range.',
  })),
  min_amount: Type.Optional(minor('Minor units of `currency`.')),
  max_amount: Type.Optional(minor('Minor units of `currency`.')),
  wallet_currency: Type.String({ pattern: '^[A-Z]{3}$', description: 'The wallet a top-up is charged to.' }),
  rate: Type.String({ maxLength: 25, description: 'Price of 1 major unit of `currency` in major units of `wallet_currency`, a decimal text: "0.0017".' }),
  fee_fixed: Type.Optional(minor('Minor units of `wallet_currency`; default 0.', 0)),
  fee_percent_bps: Type.Optional(Type.Integer({ minimum: 0, maximum: 10000, description: 'Basis points of the price, half-up; default 0.' })),
  provider_operator_id: Type.Optional(Type.String({
    minLength: 1, maxLength: 64, description: "The provider's id of the operator (Reloadly operatorId); without it the provider is asked by name.",
  })),
}, { additionalProperties: false });

export const ProductSchema = Type.Object({
  object: Type.Literal('topup_product'),
  mode: ModeSchema,
  country: Type.String(),
  operator: Type.String(),
  currency: Type.String(),
  denominations: Type.Union([Type.Array(Type.Integer()), Type.Null()]),
  min_amount: Type.Union([Type.Integer(), Type.Null()]),
  max_amount: Type.Union([Type.Integer(), Type.Null()]),
  wallet_currency: Type.String(),
  rate: Type.String(),
  fee_fixed: Type.Integer(),
  fee_percent_bps: Type.Integer(),
  provider_operator_id: Type.Union([Type.String(), Type.Null()]),
  updated_at: Timestamp,
}, {
  examples: [{ object: 'topup_product', mode: 'sandbox', ...PRODUCT_EXAMPLE, min_amount: null, max_amount: null, updated_at: '2026-11-01T07:45:10.002Z' }],
});

/** Not paged: the catalogue is bounded by TOPUP_PRODUCTS_MAX. */
export const ProductList = Type.Object({ object: Type.Literal('list'), data: Type.Array(ProductSchema), has_more: Type.Literal(false) }, {
  description: 'The catalogue.',
});

export const PRODUCT_BODY_EXAMPLE = PRODUCT_EXAMPLE;

export const presentProduct = (p: TopupProduct) => ({
  object: 'topup_product' as const, mode: p.mode, country: p.country, operator: p.operator, currency: p.currency,
  denominations: p.denominations?.map(toJsonNumber) ?? null, min_amount: p.minAmount === null ? null : toJsonNumber(p.minAmount),
  max_amount: p.maxAmount === null ? null : toJsonNumber(p.maxAmount), wallet_currency: p.walletCurrency, rate: p.rate,
  fee_fixed: toJsonNumber(p.feeFixed), fee_percent_bps: p.feePercentBps, provider_operator_id: p.providerOperatorId,
  updated_at: p.updatedAt.toISOString(),
}) satisfies Static<typeof ProductSchema>;

export const productList = (products: TopupProduct[]) => ({ object: 'list' as const, data: products.map(presentProduct), has_more: false as const });

/** The wire product → the domain's input. The number-texts preHandler has checked every ExactInteger's text: each is a safe integer. */
export const productInputOf = (p: Static<typeof ProductBody>): TopupProductInput => ({
  country: p.country, operator: p.operator, currency: p.currency, denominations: p.denominations?.map(BigInt) ?? null,
  minAmount: p.min_amount === undefined ? null : BigInt(p.min_amount), maxAmount: p.max_amount === undefined ? null : BigInt(p.max_amount),
  walletCurrency: p.wallet_currency, rate: p.rate, feeFixed: BigInt(p.fee_fixed ?? 0), feePercentBps: p.fee_percent_bps ?? 0,
  providerOperatorId: p.provider_operator_id ?? null,
});

export const topupProductsAdmin = {
  config: { auth: 'admin' as const },
  schema: { tags: ['Admin: top-ups'], security: [{ adminToken: [] }] },
};
