import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from '@fastify/type-provider-typebox';
import {
  advanceClock, clear, forcePost, getAuthorization, increment, presentAuthorization, refund, reverse, type AuthorizationRequest,
} from '../../../authorizations/index.ts';
import {
  TRANSACTION_STATUSES, TRANSACTION_TYPES, getTransaction, listTransactions, presentTransaction, type TransactionStatus, type TransactionType,
} from '../../../transactions/index.ts';
import { PAGE_LIMIT_DEFAULT } from '../../../lib/pagination.ts';
import { actionContext, changingPrincipals, merchantNow, ownerOf, requireSandbox } from '../../plugins/auth.ts';
import { idempotencyClaimOf, mutation } from '../../plugins/idempotency.ts';
import { amountFrom, optionalAmountFrom } from '../../plugins/number-texts.ts';
import { Amount, AuthorizationSchema, Currency, MerchantInfoSchema, TransactionSchema } from '../../presenters/money.ts';
import { PageQuery, Timestamp, errorResponses, listOf } from '../../schemas.ts';

const sim = { tags: ['Simulation'], security: [{ apiKey: [] }] };
const AuthParams = Type.Object({ id: Type.String({ maxLength: 64, description: 'auth_…' }) });
const WithTransaction = Type.Object({ authorization: AuthorizationSchema, transaction: TransactionSchema });
const authId = (r: FastifyRequest) => (r.params as { id: string }).id;

export function authorizationRoutes(app: FastifyInstance): void {
  const { db } = app.deps;

  app.post('/v1/simulate/authorizations', {
    schema: {
      ...sim, summary: 'Simulate a card authorization',
      description: 'Sandbox only: the network asks to authorize `amount` (minor units of `currency`, the merchant\'s currency) at a merchant. Decided in SPEC §3\'s order (card, status, expiry, currency with FX, spending controls, your real-time endpoint, funds with the fee); approved amounts are held in the ledger until cleared, reversed or expired (7 days). With `partial_allowed`, what the card can afford is approved (response code 10). Concurrent requests are group-committed: decided and applied together in one database transaction per lane (a lane per card hash). A request with an Idempotency-Key is group-committed too: its key is claimed in the batch\'s transaction, and a retry is answered from the stored response before the real-time endpoint would be asked again.',
      body: Type.Object({
        card_id: Type.String({ maxLength: 64 }), amount: Amount, currency: Currency, merchant: MerchantInfoSchema,
        partial_allowed: Type.Optional(Type.Boolean()),
      }, { additionalProperties: false }),
      response: { 200: AuthorizationSchema, ...errorResponses(403) },
    },
  }, async (request, reply) => {
    requireSandbox(request);
    const b = request.body as { card_id: string; currency: string; merchant: AuthorizationRequest['merchant']; partial_allowed?: boolean };
    const req: AuthorizationRequest = { cardId: b.card_id, amount: amountFrom(request, 'amount'), currency: b.currency, merchant: b.merchant, partialAllowed: b.partial_allowed ?? false };
    const result = await app.authorizations.submit({ owner: ownerOf(request), request: req, now: merchantNow(request), idempotency: idempotencyClaimOf(request) });
    if (result.replayed) reply.header('Idempotent-Replayed', 'true');
    return reply.code(result.status as 200).send(result.body as never);
  });

  const lifecycle = (path: string, summary: string, description: string, body: Parameters<typeof Type.Object>[0],
    run: (r: FastifyRequest, tx: Parameters<typeof clear>[0]) => Promise<unknown>) =>
    app.post(`/v1/simulate/authorizations/:id/${path}`, {
      schema: { ...sim, summary, description, params: AuthParams, body: Type.Object(body, { additionalProperties: false }), response: { 200: WithTransaction, ...errorResponses(403, 404, 409, 422) } },
    }, (request, reply) => mutation(request, reply, async (tx) => {
      requireSandbox(request);
      return { status: 200, body: await run(request, tx) };
    }));

  const at = (r: FastifyRequest) => actionContext(r, app.deps.clock.now()).at;
  const amountOf = (r: FastifyRequest) => amountFrom(r, 'amount');
  lifecycle('increment', 'Increment an authorization', 'The hold grows by `amount` (merchant currency). Declined increments leave the hold as it was; the answer\'s transaction says why.',
    { amount: Amount }, async (r, tx) => {
      const res = await increment(tx, ownerOf(r), authId(r), amountOf(r), at(r));
      return { authorization: res.authorization, transaction: presentTransaction(res.transaction) };
    });
  lifecycle('clear', 'Clear (capture) an authorization', 'Posts `amount`: less than held releases the rest; more than held (within the merchant\'s tolerance) moves the extra as a linked transfer. The fee is recomputed on the cleared amount.',
    { amount: Amount }, async (r, tx) => {
      const res = await clear(tx, ownerOf(r), authId(r), amountOf(r), at(r));
      return { authorization: res.authorization, transaction: presentTransaction(res.transaction) };
    });
  lifecycle('reverse', 'Reverse an authorization', 'Releases the whole hold, or `amount` of it (the hold and its fee shrink).',
    { amount: Type.Optional(Amount) }, async (r, tx) => {
      const res = await reverse(tx, ownerOf(r), authId(r), optionalAmountFrom(r, 'amount'), at(r));
      return { authorization: res.authorization, transaction: presentTransaction(res.transaction) };
    });

  app.post('/v1/simulate/force_posts', {
    schema: {
      ...sim, summary: 'Simulate a force post', description: 'A clearing with no authorization: it cannot be declined; what the card lacks, the merchant wallet covers.',
      body: Type.Object({ card_id: Type.String({ maxLength: 64 }), amount: Amount, merchant: MerchantInfoSchema }, { additionalProperties: false }),
      response: { 200: TransactionSchema, ...errorResponses(403, 404, 422) },
    },
  }, (request, reply) => mutation(request, reply, async (tx) => {
    requireSandbox(request);
    const b = request.body as { card_id: string; merchant: AuthorizationRequest['merchant'] };
    return { status: 200, body: presentTransaction(await forcePost(tx, ownerOf(request), b.card_id, amountFrom(request, 'amount'), b.merchant, at(request))) };
  }));

  app.post('/v1/simulate/refunds', {
    schema: {
      ...sim, summary: 'Simulate a refund', description: 'The merchant refunds `amount` to the card (to the wallet if the card is closed). With `authorization_id`, at most what that authorization cleared minus earlier refunds.',
      body: Type.Object({ card_id: Type.String({ maxLength: 64 }), amount: Amount, authorization_id: Type.Optional(Type.String({ maxLength: 64 })) }, { additionalProperties: false }),
      response: { 200: TransactionSchema, ...errorResponses(403, 404, 409, 422) },
    },
  }, (request, reply) => mutation(request, reply, async (tx) => {
    requireSandbox(request);
    const b = request.body as { card_id: string; authorization_id?: string };
    return { status: 200, body: presentTransaction(await refund(tx, ownerOf(request), b.card_id, amountFrom(request, 'amount'), b.authorization_id ?? null, at(request))) };
  }));

  app.post('/v1/simulate/clock/advance', {
    schema: {
      ...sim, summary: 'Advance the sandbox clock',
      description: "Moves this sandbox merchant's clock forward and runs the reservation and hold expiry jobs at the new time, so tests see expiries without waiting.",
      body: Type.Object({ seconds: Type.Integer({ minimum: 1, maximum: 400 * 24 * 3600 }) }, { additionalProperties: false }),
      response: { 200: Type.Object({ object: Type.Literal('test_clock'), now: Timestamp, expired: Type.Object({ reservations: Type.Integer(), authorizations: Type.Integer() }) }), ...errorResponses(403) },
    },
  }, (request, reply) => {
    const { merchantId } = ownerOf(request);
    // The principal carries the clock offset: the next request must see the new time.
    return changingPrincipals(request, merchantId, () => mutation(request, reply, async (tx) => {
      requireSandbox(request);
      const r = await advanceClock(tx, merchantId, (request.body as { seconds: number }).seconds, app.deps.clock.now());
      return { status: 200, body: { object: 'test_clock' as const, now: r.now.toISOString(), expired: r.expired } };
    }));
  });

  app.get('/v1/authorizations/:id', {
    schema: {
      tags: ['Transactions'], security: [{ apiKey: [] }], summary: 'Retrieve an authorization',
      description: 'The authorization with its history: every transaction that created or changed it (authorization, increments, clearing, reversals, expiry, refunds), oldest first.',
      params: AuthParams,
      response: { 200: Type.Object({ ...AuthorizationSchema.properties, history: Type.Array(TransactionSchema) }), ...errorResponses(403, 404) },
    },
  }, async (request) => {
    const owner = ownerOf(request);
    const auth = await getAuthorization(db, owner, authId(request));
    const history = await listTransactions(db, owner, { authorizationId: auth.id }, 100, null);
    return { ...presentAuthorization(auth), history: history.data.reverse().map(presentTransaction) };
  });

  app.get('/v1/transactions', {
    schema: {
      tags: ['Transactions'], security: [{ apiKey: [] }], summary: 'List transactions',
      description: 'Every money movement and every decline, newest first. Filters: `card_id`, `type`, `status`, `created_gte`, `created_lte`.',
      querystring: Type.Object({
        ...PageQuery.properties, card_id: Type.Optional(Type.String({ maxLength: 64 })),
        type: Type.Optional(Type.Union(TRANSACTION_TYPES.map((t) => Type.Literal(t)))), status: Type.Optional(Type.Union(TRANSACTION_STATUSES.map((t) => Type.Literal(t)))),
        created_gte: Type.Optional(Timestamp), created_lte: Type.Optional(Timestamp),
      }, { additionalProperties: false }),
      response: { 200: listOf(TransactionSchema), ...errorResponses(403) },
    },
  }, async (request) => {
    const q = request.query as { limit?: number; starting_after?: string; card_id?: string; type?: TransactionType; status?: TransactionStatus; created_gte?: string; created_lte?: string };
    const page = await listTransactions(db, ownerOf(request), {
      cardId: q.card_id, type: q.type, status: q.status, createdGte: q.created_gte ? new Date(q.created_gte) : undefined, createdLte: q.created_lte ? new Date(q.created_lte) : undefined,
    }, q.limit ?? PAGE_LIMIT_DEFAULT, q.starting_after ?? null);
    return { object: 'list' as const, data: page.data.map(presentTransaction), has_more: page.hasMore };
  });

  app.get('/v1/transactions/:id', {
    schema: {
      tags: ['Transactions'], security: [{ apiKey: [] }], summary: 'Retrieve a transaction', description: 'One transaction.',
      params: Type.Object({ id: Type.String({ maxLength: 64 }) }), response: { 200: TransactionSchema, ...errorResponses(403, 404) },
    },
  }, async (request) => presentTransaction(await getTransaction(db, ownerOf(request), (request.params as { id: string }).id)));
}
