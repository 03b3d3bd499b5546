import type { FastifyInstance } from 'fastify';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { AMOUNT_MAX, toJsonNumber } from '../../../lib/money.ts';
import {
  listTopupProducts, replaceTopupProducts, TOPUP_DENOMINATIONS_MAX, TOPUP_PRODUCTS_MAX, type TopupProduct, type TopupProductInput,
} from '../../../topups/index.ts';
import { actionContext } from '../../plugins/auth.ts';
import { mutation } from '../../plugins/idempotency.ts';
import { ExactInteger } from '../../plugins/number-texts.ts';
import { errorResponses, Timestamp } from '../../schemas.ts';
import { replayable } from '../topups/shared.ts';

const Mode = Type.Union([Type.Literal('sandbox'), Type.Literal('live')]);
const minor = (description: string, minimum = 1) => ExactInteger({ minimum, maximum: Number(AMOUNT_MAX), description });

const ProductBody = Type.Object({
  country: Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2.' }),
  operator: Type.String({ minLength: 1, maxLength: 64, description: 'The mobile operator as merchants name it; one product per operator and country.' }),
  currency: Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217: the airtime the recipient gets.' }),
  denominations: Type.Optional(Type.Array(minor('Minor units of `currency`.'), { minItems: 1, maxItems: TOPUP_DENOMINATIONS_MAX, description: 'Fixed amounts, ascending; or give a range.' })),
  min_amount: Type.Optional(minor('Minor units of `currency`.')),
  max_amount: Type.Optional(minor('Minor units of `currency`.')),
  wallet_currency: Type.String({ pattern: '^[A-Z]{3}$', description: 'The wallet a top-up is charged to.' }),
  rate: Type.String({ maxLength: 25, description: 'Price of 1 major unit of `currency` in major units of `wallet_currency`, a decimal text: "0.0017".' }),
  fee_fixed: Type.Optional(minor('Minor units of `wallet_currency`; default 0.', 0)),
  fee_percent_bps: Type.Optional(Type.Integer({ minimum: 0, maximum: 10000, description: 'Basis points of the price, half-up; default 0.' })),
  provider_operator_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: "The provider's id of the operator (Reloadly operatorId); without it the provider is asked by name." })),
}, { additionalProperties: false });

const ProductSchema = Type.Object({
  object: Type.Literal('topup_product'),
  mode: Mode,
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
});
const ProductList = Type.Object({ object: Type.Literal('list'), data: Type.Array(ProductSchema), has_more: Type.Literal(false) });

function presentProduct(p: TopupProduct) {
  return {
    object: 'topup_product' as const, mode: p.mode, country: p.country, operator: p.operator, currency: p.currency,
    denominations: p.denominations?.map(toJsonNumber) ?? null, min_amount: p.minAmount === null ? null : toJsonNumber(p.minAmount),
    max_amount: p.maxAmount === null ? null : toJsonNumber(p.maxAmount), wallet_currency: p.walletCurrency, rate: p.rate,
    fee_fixed: toJsonNumber(p.feeFixed), fee_percent_bps: p.feePercentBps, provider_operator_id: p.providerOperatorId, updated_at: p.updatedAt.toISOString(),
  };
}

const list = (products: TopupProduct[]) => ({ object: 'list' as const, data: products.map(presentProduct), has_more: false as const });

/** The operator's airtime catalogue (issue 14 §1), per mode. Not paged: it is bounded by TOPUP_PRODUCTS_MAX. */
export function topupProductRoutes(app: FastifyInstance): void {
  const { db, clock } = app.deps;
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const admin = { config: { auth: 'admin' as const } };
  const adminSchema = { tags: ['Admin: top-ups'], security: [{ adminToken: [] }] };

  api.get('/admin/v1/topup_products', {
    ...admin,
    schema: {
      ...adminSchema, summary: 'Top-up catalogue',
      description: 'Every product of both modes, or of `mode`. The sandbox starts with a default catalogue (United States in USD: AT&T, T-Mobile; Cameroon in XAF: MTN, Orange; priced in USD).',
      querystring: Type.Object({ mode: Type.Optional(Mode) }, { additionalProperties: false }),
      response: { 200: ProductList, ...errorResponses() },
    },
  }, async (request) => list(await listTopupProducts(db, request.query.mode ?? null)));

  api.put('/admin/v1/topup_products', {
    ...admin,
    schema: {
      ...adminSchema, summary: 'Replace the top-up catalogue of a mode',
      description: `Replaces every product of \`mode\` (at most ${TOPUP_PRODUCTS_MAX}; an empty list withdraws top-ups from that mode). Each product takes either \`denominations\` or \`min_amount\` and \`max_amount\`; its price is amount × \`rate\` in the wallet currency plus the fee. Top-ups already sent keep the price they were sent at. Audited.`,
      body: Type.Object({ mode: Mode, products: Type.Array(ProductBody, { maxItems: TOPUP_PRODUCTS_MAX }) }, { additionalProperties: false }),
      response: { 200: ProductList, ...errorResponses(422) },
    },
  }, (request, reply) => replayable(mutation(request, reply, async (tx) => {
    // The number-texts preHandler has checked every ExactInteger's text: digits only and within its bounds, so each is a safe integer.
    const products: TopupProductInput[] = request.body.products.map((p) => ({
      country: p.country, operator: p.operator, currency: p.currency, denominations: p.denominations?.map(BigInt) ?? null,
      minAmount: p.min_amount === undefined ? null : BigInt(p.min_amount), maxAmount: p.max_amount === undefined ? null : BigInt(p.max_amount),
      walletCurrency: p.wallet_currency, rate: p.rate, feeFixed: BigInt(p.fee_fixed ?? 0), feePercentBps: p.fee_percent_bps ?? 0,
      providerOperatorId: p.provider_operator_id ?? null,
    }));
    return { status: 200, body: list(await replaceTopupProducts(tx, request.body.mode, products, actionContext(request, clock.now()))) };
  })));
}
