import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type TSchema, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Queryable } from '../../db/index.ts';
import { DomainError } from '../../lib/errors.ts';
import { decimalRefusal, formatMinor, parseDecimal } from '../../lib/money.ts';
import { ledgerOf } from '../../accounts/index.ts';
import {
  createTopup, currencyScale, estimateTopup, findTopupProduct, PHONE_TEXT_LENGTH_MAX, SANDBOX_FAILING_SUFFIX, topupProviders, topupSchema,
  type Owner, type Topup, type TopupEstimate, type TopupProduct,
} from '../../topups/index.ts';
import { actionContext, ownerOf } from '../../http/plugins/auth.ts';
import { mutation } from '../../http/plugins/idempotency.ts';
import { decimalText } from '../../http/plugins/number-texts.ts';

/**
 * KrezyPay's Topup menu (seed 002: Topup Schema, Estimate, Send; named only) in the style of its documented card
 * endpoints: POST with JSON, `{"status": "success", …}`, amounts as decimal strings, its error bodies. Each is the
 * native top-up over the same module: `topup/schema` is GET /v1/topups/schema, `topup/estimate` and `topup/send`
 * are POST /v1/topups/estimate and POST /v1/topups with the amount in the operator's currency as a decimal
 * ("1000" XAF, "5.00" USD) instead of minor units.
 */

const Body = {
  country: Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2: CM, US.' }),
  operator: Type.String({ minLength: 1, maxLength: 64, description: 'As `topup/schema` names it.' }),
  phone: Type.String({ minLength: 1, maxLength: PHONE_TEXT_LENGTH_MAX, description: 'A mobile number of `country`, E.164 or national.' }),
  amount: Type.Union([Type.String({ maxLength: 32 }), Type.Number()], {
    description: "Airtime in the operator's currency, a decimal with at most that currency's decimals (none for XAF): \"1000\", \"5.00\", 5. Never rounded.",
  }),
};
const RequestBody = Type.Object(Body, { additionalProperties: false });

function krezyOperator(p: TopupProduct) {
  const scale = currencyScale(p.currency)!;
  const text = (v: bigint) => formatMinor(v, scale);
  return {
    name: p.operator, currency: p.currency,
    ...(p.denominations !== null ? { denominations: p.denominations.map(text) } : { min_amount: text(p.minAmount!), max_amount: text(p.maxAmount!) }),
    wallet_currency: p.walletCurrency,
  };
}

async function krezyPrice(q: Queryable, e: Pick<TopupEstimate, 'amount' | 'price' | 'fee' | 'total'> & { currency: string; walletCurrency: string }) {
  const walletScale = (await ledgerOf(q, e.walletCurrency))!.scale;
  return {
    amount: formatMinor(e.amount, currencyScale(e.currency)!), currency: e.currency, price: formatMinor(e.price, walletScale),
    fee: formatMinor(e.fee, walletScale), total: formatMinor(e.total, walletScale), wallet_currency: e.walletCurrency,
  };
}

/** The request's amount, read from its text in the product's currency (parseDecimal: never rounded). */
async function requestOf(q: Queryable, owner: Owner, request: FastifyRequest, body: { country: string; operator: string; phone: string }) {
  const product = await findTopupProduct(q, owner, body.country, body.operator);
  const scale = currencyScale(product.currency)!;
  const text = decimalText(request, 'amount');
  const amount = text === null ? 'not_a_number' : parseDecimal(text, scale);
  if (typeof amount !== 'bigint') throw new DomainError('parameter_invalid', `The amount ${decimalRefusal(amount, scale)}.`, 'amount');
  return { country: body.country, operator: body.operator, phone: body.phone, amount };
}

export function krezypayTopupRoutes(app: FastifyInstance, shared: { params: TSchema; response: Record<number, TSchema> }): void {
  const { db, clock } = app.deps;
  const providers = topupProviders(app.deps.config);
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const schema = { tags: ['KrezyPay compatibility'], security: [{ apiKey: [] }], params: shared.params, response: shared.response };
  const config = { auth: 'merchant' as const };

  api.post('/v1/:mode/topup/schema', {
    config,
    schema: {
      ...schema, summary: 'KrezyPay: top-up schema',
      description: 'The operators of `country` with their currency and fixed `denominations` or `min_amount`/`max_amount` (decimal strings), and the phone format: `{"status": "success", "country": "CM", "operators": [{"name": "MTN", "currency": "XAF", "min_amount": "100", "max_amount": "50000", "wallet_currency": "USD"}], "phone_format": {…}}`.',
      body: Type.Object({ country: Body.country }, { additionalProperties: false }),
    },
  }, async (request) => {
    const s = await topupSchema(db, ownerOf(request), request.body.country);
    const format = s.phoneFormat;
    return {
      status: 'success', country: s.country, operators: s.products.map(krezyOperator),
      phone_format: format && { country_calling_code: format.callingCode, example: format.example, national_example: format.nationalExample },
    };
  });

  api.post('/v1/:mode/topup/estimate', {
    config,
    schema: {
      ...schema, summary: 'KrezyPay: estimate a top-up',
      description: 'Price, fee and total in the wallet currency, checked as sending is: `{"status": "success", "amount": "1000", "currency": "XAF", "price": "1.70", "fee": "0.28", "total": "1.98", "wallet_currency": "USD"}`. Moves nothing.',
      body: RequestBody,
    },
  }, async (request) => {
    const e = await estimateTopup(db, ownerOf(request), await requestOf(db, ownerOf(request), request, request.body));
    return { status: 'success', ...(await krezyPrice(db, { ...e, currency: e.product.currency, walletCurrency: e.product.walletCurrency })) };
  });

  api.post('/v1/:mode/topup/send', {
    config,
    schema: {
      ...schema, summary: 'KrezyPay: send a top-up',
      description: `Holds the total on the wallet and sends the airtime: \`{"status": "success", "message": "Top-up accepted.", "topup_id": "top_…", "topup_status": "pending", …}\`; it becomes succeeded or failed when the provider answers (GET /v1/topups/{id}, webhooks \`topup.succeeded\` / \`topup.failed\`). Not enough in the wallet: 422, nothing moved. In sandbox a number ending in ${SANDBOX_FAILING_SUFFIX} fails.`,
      body: RequestBody,
    },
  }, (request, reply) => mutation(request, reply, async (tx) => {
    const owner = ownerOf(request);
    const topup: Topup = await createTopup(tx, owner, await requestOf(tx, owner, request, request.body), actionContext(request, clock.now()), { providers, clock });
    return {
      status: 200,
      body: {
        status: 'success', message: 'Top-up accepted.', topup_id: topup.id, topup_status: topup.status, phone: topup.phone,
        ...(await krezyPrice(tx, { ...topup, total: topup.price + topup.fee })),
      },
    };
  }));
}
