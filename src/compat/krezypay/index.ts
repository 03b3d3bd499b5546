import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from '@fastify/type-provider-typebox';
import { DomainError } from '../../lib/errors.ts';
import { countryName } from '../../lib/countries.ts';
import { listCountries, type CountryService } from '../../countries/index.ts';
import { decimalRefusal, formatMinor, parseDecimal } from '../../lib/money.ts';
import { PAGE_LIMIT_MAX } from '../../lib/pagination.ts';
import { changeCardStatus, createCard, getCard, maskedNumber, readCardBalances, revealCard, type Card } from '../../cards/index.ts';
import { createCustomer, getCustomer, type CustomerInput } from '../../customers/index.ts';
import { createAccount, ledgerOf, listCustomerAccounts } from '../../accounts/index.ts';
import { estimateReservation, fundCard, reserve, withdraw } from '../../funding/index.ts';
import { listTransactions } from '../../transactions/index.ts';
import type { Queryable } from '../../db/index.ts';
import { actionContext, ownerOf } from '../../http/plugins/auth.ts';
import { mutation } from '../../http/plugins/idempotency.ts';
import { decimalText } from '../../http/plugins/number-texts.ts';
import { REVEALS_PER_MINUTE_MAX } from '../../http/plugins/rate-limit.ts';
import { AddressSchema, CustomerInputSchema } from '../../http/presenters/customers.ts';
import { facadeErrors, requireMode } from '../shared.ts';
import { KREZYPAY_STATUS, expMMYY, krezyCard, krezyCardStatusRefusal, krezyCustomer } from './present.ts';
import { productionAccessRoutes } from './production-access.ts';
import { krezypaySmsRoutes } from './sms.ts';
import { krezypayTopupRoutes } from './topup.ts';
import { CountryQuery } from '../../http/routes/countries/schemas.ts';
import type { CardStatus } from '../../cards/index.ts';

const tags = ['KrezyPay compatibility'];
const security = [{ apiKey: [] }];
const ErrorBody = Type.Object({ status: Type.Literal('error'), error: Type.String() });
const errors = { 401: ErrorBody, 404: ErrorBody, 422: ErrorBody };
const Mode = Type.Object({ mode: Type.Union([Type.Literal('sandbox'), Type.Literal('live')]) });
const CardId = Type.String({ minLength: 1, maxLength: 64, description: "Tessera's card id (card_…)." });
/** KrezyPay sends "3", "3.00" or 3; parsed strictly from its text (parseDecimal) in the card's currency, never rounded. */
const DecimalAmount = Type.Union([Type.String({ maxLength: 32 }), Type.Number()], {
  description: 'Decimal amount, as a string or a JSON number: "3", "3.5", "3.00", 5000.00 — digits, no leading zeros, optionally a dot and 1 to the currency\'s decimals; positive. No spaces, exponents or extra decimals: anything else is a 422, never rounded.',
});

/**
 * The KrezyPay API (seeds 000 and 002) over Tessera's modules, mounted at
 * /krezypay/v1/{sandbox|live}. Errors as documented: 401 bad token, 404
 * unknown card, 422 anything else, body {"status": "error", "error": "…"}.
 */
export async function krezypay(app: FastifyInstance): Promise<void> {
  const { db, keys, clock } = app.deps;
  facadeErrors(app, (err, status) => ({
    status: status === 401 || status === 403 ? 401 : status === 404 ? 404 : status === 429 ? 429 : status >= 500 ? status : 422,
    body: { status: 'error', error: err.code === 'invalid_card_status' && err.details?.status
      ? krezyCardStatusRefusal(err.details.status as CardStatus, err.details.action as string | undefined, err.message) : err.message },
  }));
  app.addHook('preHandler', async (request) => requireMode(request, (request.params as { mode: string }).mode));

  const owner = (r: FastifyRequest) => ownerOf(r);
  const cardOf = async (q: Queryable, r: FastifyRequest) => getCard(q, owner(r), (r.body as { card_id: string }).card_id);
  // From the amount's text: a JSON number's own digits, not the double (2.999999999999999999 is not 3).
  const amountFor = async (q: Queryable, card: Card, request: FastifyRequest): Promise<bigint> => {
    const scale = (await ledgerOf(q, card.currency))!.scale;
    const text = decimalText(request, 'amount');
    const parsed = text === null ? 'not_a_number' : parseDecimal(text, scale);
    if (typeof parsed !== 'bigint') throw new DomainError('parameter_invalid', `The amount ${decimalRefusal(parsed, scale)}.`, 'amount');
    return parsed;
  };
  const scaleOf = async (q: Queryable, currency: string) => (await ledgerOf(q, currency))!.scale;
  const route = (path: string, summary: string, description: string, body: Parameters<typeof Type.Object>[0], scope?: 'cards:reveal') =>
    ({ path: `/v1/:mode/${path}`, opts: { config: { auth: 'merchant' as const, ...(scope ? { scope } : {}) }, schema: { tags, security, summary, description, params: Mode, body: Type.Object(body, { additionalProperties: false }), response: errors } } });

  const retrieve = route('card/retrieve_card', 'KrezyPay: retrieve a card', 'Status (lower case), holder, masked number in groups, CVV as ***, last4, exp (MM/YY), balance and authorization balance as decimal strings, billing address with the country\'s English name.', { card_id: CardId });
  app.post(retrieve.path, retrieve.opts, async (request) => {
    const card = await cardOf(db, request);
    const customer = await getCustomer(db, owner(request), card.customerId);
    return krezyCard(card, customer, await readCardBalances(db, card), await scaleOf(db, card.currency), await maskedNumber(db, keys, card), '***');
  });

  const details = route('card/retrieve_card_details', 'KrezyPay: retrieve sensitive card details', `The same as retrieve_card with the full number and CVV. Needs a key with the \`cards:reveal\` scope; every call is audited; limited to ${REVEALS_PER_MINUTE_MAX} reveals a minute per key, on every surface.`, { card_id: CardId }, 'cards:reveal');
  app.post(details.path, details.opts, async (request, reply) => {
    const revealed = await db.transaction((tx) => revealCard(tx, owner(request), (request.body as { card_id: string }).card_id, { ...actionContext(request, clock.now()), keys }));
    const customer = await getCustomer(db, owner(request), revealed.card.customerId);
    reply.header('cache-control', 'no-store');
    return krezyCard(revealed.card, customer, await readCardBalances(db, revealed.card), await scaleOf(db, revealed.card.currency), revealed.number, revealed.cvv);
  });

  const estimate = route('card/authorization_estimate', 'KrezyPay: estimate an authorization', 'Fee (1 USD + 1 % by default, half-up) and total for an amount: `{"status": "success", "amount": "3.00", "tax": "1.03", "total": 4.03}` — `total` is a JSON number, as documented.', { card_id: CardId, amount: DecimalAmount });
  app.post(estimate.path, estimate.opts, async (request) => {
    const card = await cardOf(db, request);
    const amount = await amountFor(db, card, request);
    const e = await db.transaction((tx) => estimateReservation(tx, owner(request), card.id, amount));
    const scale = await scaleOf(db, card.currency);
    return { status: 'success', amount: formatMinor(e.amount, scale), tax: formatMinor(e.fee, scale), total: Number(formatMinor(e.total, scale)) };
  });

  const send = route('card/send_authorization', 'KrezyPay: send an authorization (reserve funds)', 'Moves amount + fee into the card\'s authorization balance for 10 minutes (24 hours for business cards); the unused part returns at expiry.', { card_id: CardId, amount: DecimalAmount });
  app.post(send.path, send.opts, (request, reply) => mutation(request, reply, async (tx) => {
    const card = await cardOf(tx, request);
    await reserve(tx, owner(request), card.id, await amountFor(tx, card, request), actionContext(request, clock.now()));
    return { status: 200, body: { status: 'success', message: 'Transaction successful.' } };
  }));

  for (const [path, fn, summary] of [['card/fund', fundCard, 'KrezyPay: fund a card'], ['card/withdraw', withdraw, 'KrezyPay: withdraw funds']] as const) {
    const r = route(path, summary, `${summary.replace('KrezyPay: ', '')} between the merchant wallet and the card; amount as a decimal.`, { card_id: CardId, amount: DecimalAmount });
    app.post(r.path, r.opts, (request, reply) => mutation(request, reply, async (tx) => {
      const card = await cardOf(tx, request);
      const txn = await fn(tx, owner(request), card.id, await amountFor(tx, card, request), actionContext(request, clock.now()));
      const balances = await readCardBalances(tx, card);
      const scale = await scaleOf(tx, card.currency);
      return { status: 200, body: { status: 'success', message: 'Transaction successful.', transaction_id: txn.id, amount: formatMinor(txn.amount, scale), balance: formatMinor(balances.available, scale) } };
    }));
  }

  for (const [path, action] of [['card/freeze', 'deactivate'], ['card/unfreeze', 'activate']] as const) {
    const r = route(path, `KrezyPay: ${path.slice(5)} a card`, action === 'deactivate' ? 'Freezes an active card (Tessera INACTIVE).' : 'Unfreezes a frozen card.', { card_id: CardId });
    app.post(r.path, r.opts, (request, reply) => mutation(request, reply, async (tx) => {
      const card = await changeCardStatus(tx, owner(request), (request.body as { card_id: string }).card_id, action, actionContext(request, clock.now()));
      return { status: 200, body: { status: 'success', card_id: card.id, card_status: KREZYPAY_STATUS[card.status] } };
    }));
  }

  const txns = route('card/transactions', 'KrezyPay: card transactions', 'Newest first; `page` from 1, `limit` up to 100 (default 20). Amounts as decimal strings.', {
    card_id: CardId, page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: PAGE_LIMIT_MAX })),
  });
  app.post(txns.path, txns.opts, async (request) => {
    const card = await cardOf(db, request);
    const { page = 1, limit = 20 } = request.body as { page?: number; limit?: number };
    const all = await listTransactions(db, owner(request), { cardId: card.id }, page * limit, null);
    const scale = await scaleOf(db, card.currency);
    return {
      status: 'success', page, limit, has_more: all.hasMore,
      transactions: all.data.slice((page - 1) * limit).map((t) => ({
        transaction_id: t.id, type: t.type, status: t.status, amount: formatMinor(t.amount, scale), fee: formatMinor(t.fee, scale), currency: t.currency,
        merchant: t.merchant?.name ?? null, response_code: t.responseCode, reason: t.declineReason, created_at: t.createdAt.toISOString(),
      })),
    };
  });

  const createCust = route('customer/create', 'KrezyPay: create a customer', 'Creates a cardholder with the native fields (validated the same way).', CustomerInputSchema.properties);
  app.post(createCust.path, createCust.opts, (request, reply) => mutation(request, reply, async (tx) => {
    const c = await createCustomer(tx, owner(request), request.body as CustomerInput, { minAge: app.deps.config.minCustomerAge }, actionContext(request, clock.now()));
    return { status: 200, body: krezyCustomer(c) };
  }));

  const getCust = route('customer/retrieve', 'KrezyPay: retrieve a customer', 'One customer by id.', { customer_id: Type.String({ minLength: 1, maxLength: 64 }) });
  app.post(getCust.path, getCust.opts, async (request) => krezyCustomer(await getCustomer(db, owner(request), (request.body as { customer_id: string }).customer_id)));

  const create = route('card/create', 'KrezyPay: create a card', 'Issues a card to a customer: opens the customer\'s account in `currency` (default USD) if it has none, then issues the card on it (virtual by default; physical needs `shipping_address`).', {
    customer_id: Type.String({ minLength: 1, maxLength: 64 }), type: Type.Optional(Type.Union([Type.Literal('virtual'), Type.Literal('physical')])),
    brand: Type.Optional(Type.Union([Type.Literal('VISA'), Type.Literal('MASTERCARD')])), currency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$' })),
    tier: Type.Optional(Type.Union([Type.Literal('standard'), Type.Literal('business')])), nickname: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    shipping_address: Type.Optional(AddressSchema),
  });
  app.post(create.path, create.opts, (request, reply) => mutation(request, reply, async (tx) => {
    const b = request.body as { customer_id: string; type?: 'virtual' | 'physical'; brand?: 'VISA' | 'MASTERCARD'; currency?: string; tier?: 'standard' | 'business'; nickname?: string; shipping_address?: CustomerInput['address'] };
    const ctx = actionContext(request, clock.now());
    const currency = b.currency ?? 'USD';
    const existing = (await listCustomerAccounts(tx, owner(request), b.customer_id)).find((a) => a.currency === currency);
    const account = existing ?? (await createAccount(tx, owner(request), b.customer_id, currency, ctx));
    const card = await createCard(tx, owner(request), account.id, { type: b.type ?? 'virtual', brand: b.brand, tier: b.tier, nickname: b.nickname, shipping_address: b.shipping_address }, { ...ctx, keys, bins: app.deps.config.cardBins });
    return { status: 200, body: { status: 'success', message: 'Card created.', card_id: card.id, card_status: KREZYPAY_STATUS[card.status], last4: card.last4, exp: expMMYY(card) } };
  }));

  app.get('/v1/:mode/countries', {
    config: { auth: 'merchant' },
    schema: { tags, security, summary: 'KrezyPay: supported countries', description: 'ISO 3166 countries from the maintained dataset, with their English names and where each service is offered (`cards`, `kyc`, `topup`, `sms`: true or false, as the operator sets them); `?service=` keeps the countries where that one is.', params: Mode, querystring: CountryQuery, response: errors },
  }, async (request) => {
    const { service } = request.query as { service?: CountryService };
    const countries = (await listCountries(db)).filter((c) => !service || c.services[service]);
    return { status: 'success', countries: countries.map((c) => ({ code: c.code, name: countryName(c.code) ?? c.name, ...c.services })) };
  });

  productionAccessRoutes(app, { params: Mode, response: errors });
  krezypaySmsRoutes(app, { params: Mode, response: errors });
  krezypayTopupRoutes(app, { params: Mode, response: errors });

}
