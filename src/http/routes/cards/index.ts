import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from '@fastify/type-provider-typebox';
import {
  CARD_BRANDS, CARD_STATUSES, CARD_TIERS, CARD_TYPES, activatePhysical, advanceShipment, assignFromStock, changeCardStatus, createCard,
  getCard, listCards, revealCard, setPin, updateCard, type CardAction, type CardInput, type CardPatch, type CardStatus, type CardType,
} from '../../../cards/index.ts';
import { getAccount } from '../../../accounts/index.ts';
import { PAGE_LIMIT_DEFAULT } from '../../../lib/pagination.ts';
import { actionContext, ownerOf, requireSandbox } from '../../plugins/auth.ts';
import { mutation } from '../../plugins/idempotency.ts';
import { REVEALS_PER_MINUTE_MAX } from '../../plugins/rate-limit.ts';
import { errorBody } from '../../errors.ts';
import { AddressSchema } from '../../presenters/customers.ts';
import { CardSchema, cardBody, cardList } from '../../presenters/cards.ts';
import { PageQuery, errorResponses, listOf } from '../../schemas.ts';

const tags = ['Cards'];
const security = [{ apiKey: [] }];
const lit = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const CardParams = Type.Object({ cardId: Type.String({ maxLength: 64, description: 'card_…' }) });
const AccountParams = Type.Object({ accountId: Type.String({ maxLength: 64, description: 'acct_…' }) });

const cardId = (request: FastifyRequest) => (request.params as { cardId: string }).cardId;

export function cardRoutes(app: FastifyInstance): void {
  const { db, keys, clock } = app.deps;
  const ctx = (request: FastifyRequest) => ({ ...actionContext(request, clock.now()), keys, bins: app.deps.config.cardBins });

  app.post('/v1/accounts/:accountId/cards', {
    schema: {
      tags, security, summary: 'Issue a card',
      description: 'Issues a virtual card (ACTIVE at once) or a physical card (PENDING_ACTIVATION, shipment `ordered`, an activation code sent to the cardholder). Physical cards need `shipping_address`; `billing_address` defaults to the customer\'s address. By default an account holds at most one virtual and one physical card that is not terminated (422 `card_limit_reached`). Writes `card.created`.',
      params: AccountParams,
      body: Type.Object({
        type: lit(CARD_TYPES), brand: Type.Optional(lit(CARD_BRANDS)), nickname: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
        tier: Type.Optional(lit(CARD_TIERS)), billing_address: Type.Optional(AddressSchema), shipping_address: Type.Optional(AddressSchema),
      }, { additionalProperties: false }),
      response: { 201: CardSchema, ...errorResponses(403, 404, 409, 422) },
    },
  }, (request, reply) =>
    mutation(request, reply, async (tx) => {
      const card = await createCard(tx, ownerOf(request), (request.params as { accountId: string }).accountId, request.body as CardInput, ctx(request));
      return { status: 201, body: await cardBody(app, tx, card) };
    }));

  app.get('/v1/accounts/:accountId/cards', {
    schema: {
      tags, security, summary: "List an account's cards", description: 'Newest first, with cursor pagination.',
      params: AccountParams, querystring: PageQuery, response: { 200: listOf(CardSchema), ...errorResponses(403, 404) },
    },
  }, async (request) => {
    const owner = ownerOf(request);
    const account = await getAccount(db, owner, (request.params as { accountId: string }).accountId);
    const q = request.query as { limit?: number; starting_after?: string };
    const page = await listCards(db, owner, { accountId: account.id }, { limit: q.limit ?? PAGE_LIMIT_DEFAULT, startingAfter: q.starting_after ?? null }, clock.now());
    return cardList(app, db, page.data, page.hasMore);
  });

  app.get('/v1/cards', {
    schema: {
      tags, security, summary: 'List cards',
      description: 'All cards of the merchant and mode, newest first. Filters: `card_status`, `customer_id`, `account_id`, `type`, and `expire_in_months` (cards whose expiry month is at most that many months away; 0 = this month).',
      querystring: Type.Object({
        ...PageQuery.properties,
        card_status: Type.Optional(lit(CARD_STATUSES)), customer_id: Type.Optional(Type.String({ maxLength: 64 })),
        account_id: Type.Optional(Type.String({ maxLength: 64 })), type: Type.Optional(lit(CARD_TYPES)),
        expire_in_months: Type.Optional(Type.Integer({ minimum: 0, maximum: 120 })),
      }, { additionalProperties: false }),
      response: { 200: listOf(CardSchema), ...errorResponses(403) },
    },
  }, async (request) => {
    const q = request.query as { limit?: number; starting_after?: string; card_status?: CardStatus; customer_id?: string; account_id?: string; type?: CardType; expire_in_months?: number };
    const page = await listCards(db, ownerOf(request), {
      status: q.card_status, customerId: q.customer_id, accountId: q.account_id, type: q.type, expireInMonths: q.expire_in_months,
    }, { limit: q.limit ?? PAGE_LIMIT_DEFAULT, startingAfter: q.starting_after ?? null }, clock.now());
    return cardList(app, db, page.data, page.hasMore);
  });

  app.get('/v1/cards/:cardId', {
    schema: {
      tags, security, summary: 'Retrieve a card', description: 'The card, masked, with balances from the ledger.',
      params: CardParams, response: { 200: CardSchema, ...errorResponses(403, 404) },
    },
  }, async (request) => cardBody(app, db, await getCard(db, ownerOf(request), cardId(request))));

  app.patch('/v1/cards/:cardId', {
    schema: {
      tags, security, summary: 'Update a card',
      description: 'Only the fields sent change: `nickname` (null clears it), `is_default` (one default per customer: setting it clears the others), `is_recurring`, `tier`, `authorization_mode` (`direct` spends from the balance, `reserve` only from the authorization balance; null follows the merchant default). Writes `card.updated`.',
      params: CardParams,
      body: Type.Object({
        nickname: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()])),
        is_default: Type.Optional(Type.Boolean()), is_recurring: Type.Optional(Type.Boolean()), tier: Type.Optional(lit(CARD_TIERS)),
        authorization_mode: Type.Optional(Type.Union([lit(['direct', 'reserve'] as const), Type.Null()])),
      }, { additionalProperties: false, minProperties: 1 }),
      response: { 200: CardSchema, ...errorResponses(403, 404, 409, 422) },
    },
  }, (request, reply) =>
    mutation(request, reply, async (tx) => {
      const card = await updateCard(tx, ownerOf(request), cardId(request), request.body as CardPatch, actionContext(request, clock.now()));
      return { status: 200, body: await cardBody(app, tx, card) };
    }));

  const statusRoute = (method: 'PATCH' | 'DELETE', url: string, action: CardAction, summary: string, description: string) =>
    app.route({
      method, url,
      schema: { tags, security, summary, description, params: CardParams, response: { 200: CardSchema, ...errorResponses(403, 404, 409, 422) } },
      handler: (request, reply) =>
        mutation(request, reply, async (tx) => {
          const card = await changeCardStatus(tx, ownerOf(request), cardId(request), action, actionContext(request, clock.now()));
          return { status: 200, body: await cardBody(app, tx, card) };
        }),
    });
  statusRoute('PATCH', '/v1/cards/:cardId/deactivate', 'deactivate', 'Deactivate (freeze) a card', 'ACTIVE → INACTIVE: authorizations are declined until it is activated again. 409 `invalid_card_status` from any other status.');
  statusRoute('PATCH', '/v1/cards/:cardId/activate', 'activate', 'Activate (unfreeze) a card', 'INACTIVE → ACTIVE. A physical card is activated the first time with its code (`activate_physical`). 409 `invalid_card_status` from any other status.');
  statusRoute('DELETE', '/v1/cards/:cardId', 'terminate', 'Terminate a card', 'Irreversible: no new authorizations; holds already pending can still clear for up to 30 days. Writes `card.terminated`.');

  app.get('/v1/cards/:cardId/details', {
    config: { scope: 'cards:reveal' },
    schema: {
      tags, security, summary: 'Reveal card details',
      description: `The full card number and CVV2. Needs a key with the \`cards:reveal\` scope (403 otherwise); limited to ${REVEALS_PER_MINUTE_MAX} a minute per key, counted with the reveals of the KrezyPay and KazePay facades; every reveal is written to the audit log. Never cache or log the answer.`,
      params: CardParams,
      response: {
        200: Type.Object({ id: Type.String(), object: Type.Literal('card_details'), number: Type.String(), cvv: Type.String(), exp_month: Type.Integer(), exp_year: Type.Integer() }),
        ...errorResponses(403, 404),
      },
    },
  }, async (request, reply) => {
    const revealed = await db.transaction((tx) => revealCard(tx, ownerOf(request), cardId(request), ctx(request)));
    reply.header('cache-control', 'no-store');
    return { id: revealed.card.id, object: 'card_details' as const, number: revealed.number, cvv: revealed.cvv, exp_month: revealed.card.expMonth, exp_year: revealed.card.expYear };
  });

  app.post('/v1/cards/:cardId/activate_physical', {
    schema: {
      tags, security, summary: 'Activate a physical card',
      description: "Activates a PENDING_ACTIVATION physical card with the one-time code sent to the cardholder. The customer's KYC must have PASSED (422 `kyc_not_passed`). A wrong code is 422 `activation_code_invalid`; after 5 wrong codes activation is locked (422 `activation_locked`) until the operator resets it.",
      params: CardParams,
      body: Type.Object({ activation_code: Type.String({ minLength: 1, maxLength: 16 }) }, { additionalProperties: false }),
      response: { 200: CardSchema, ...errorResponses(403, 404, 409, 422) },
    },
  }, (request, reply) =>
    mutation<unknown>(request, reply, async (tx) => {
      const result = await activatePhysical(tx, ownerOf(request), cardId(request), (request.body as { activation_code: string }).activation_code, ctx(request));
      if ('failure' in result) return errorBody(result.failure, request.id);
      return { status: 200, body: await cardBody(app, tx, result.card) };
    }));

  app.put('/v1/cards/:cardId/pin', {
    schema: {
      tags, security, summary: 'Set the PIN',
      description: 'Sets or changes the 6-digit PIN. Trivial PINs (one repeated digit, straight sequences) are refused. Only an IBM 3624 PIN offset is stored; the PIN is never stored, logged or returned. Resets the wrong-tries counter. Audited.',
      params: CardParams,
      body: Type.Object({ pin: Type.String({ minLength: 1, maxLength: 12 }) }, { additionalProperties: false }),
      response: { 200: CardSchema, ...errorResponses(403, 404, 409, 422) },
    },
  }, (request, reply) =>
    mutation(request, reply, async (tx) => {
      const card = await setPin(tx, ownerOf(request), cardId(request), (request.body as { pin: string }).pin, ctx(request));
      return { status: 200, body: await cardBody(app, tx, card) };
    }));

  app.post('/v1/cards/assign', {
    schema: {
      tags, security, summary: 'Assign a stock card',
      description: 'Assigns a pre-printed physical card by its number to an account of a customer whose KYC has PASSED (KazePay ucardAssign). Only stock the operator imported for this merchant and the key\'s mode can be assigned; any other number, in stock or not, answers the same 404. With `auto_activate` the card is ACTIVE at once; otherwise an activation code is sent.',
      body: Type.Object({
        account_id: Type.String({ maxLength: 64 }), card_number: Type.String({ pattern: '^[0-9]{12,19}$' }), auto_activate: Type.Boolean(),
      }, { additionalProperties: false }),
      response: { 201: CardSchema, ...errorResponses(403, 404, 409, 422) },
    },
  }, (request, reply) =>
    mutation(request, reply, async (tx) => {
      const card = await assignFromStock(tx, ownerOf(request), request.body as { account_id: string; card_number: string; auto_activate: boolean }, ctx(request));
      return { status: 201, body: await cardBody(app, tx, card) };
    }));

  app.post('/v1/simulate/cards/:cardId/shipment', {
    schema: {
      tags: ['Simulation'], security, summary: 'Advance a shipment',
      description: 'Sandbox only: moves a physical card\'s shipment one step, ordered → shipped → delivered. Writes `card.updated`.',
      params: CardParams,
      body: Type.Object({ status: lit(['shipped', 'delivered'] as const) }, { additionalProperties: false }),
      response: { 200: CardSchema, ...errorResponses(403, 404, 409) },
    },
  }, (request, reply) =>
    mutation(request, reply, async (tx) => {
      requireSandbox(request);
      const card = await advanceShipment(tx, ownerOf(request), cardId(request), (request.body as { status: 'shipped' | 'delivered' }).status, actionContext(request, clock.now()));
      return { status: 200, body: await cardBody(app, tx, card) };
    }));
}
