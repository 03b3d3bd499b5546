import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from '@fastify/type-provider-typebox';
import { cardBalance, closeCard, estimateReservation, fundCard, reserve, withdraw } from '../../../funding/index.ts';
import { presentTransaction } from '../../../transactions/index.ts';
import { toJsonNumber } from '../../../lib/money.ts';
import { actionContext, ownerOf } from '../../plugins/auth.ts';
import { mutation } from '../../plugins/idempotency.ts';
import { amountFrom } from '../../plugins/number-texts.ts';
import { CardSchema, cardBody } from '../../presenters/cards.ts';
import { Amount, TransactionSchema } from '../../presenters/money.ts';
import { errorResponses, Timestamp } from '../../schemas.ts';

const tags = ['Money'];
const security = [{ apiKey: [] }];
const CardParams = Type.Object({ cardId: Type.String({ maxLength: 64 }) });
const AmountBody = Type.Object({ amount: Amount }, { additionalProperties: false });
const cardId = (r: FastifyRequest) => (r.params as { cardId: string }).cardId;
const amountOf = (r: FastifyRequest) => amountFrom(r, 'amount');

export function cardMoneyRoutes(app: FastifyInstance): void {
  const { db, clock } = app.deps;
  const ctx = (r: FastifyRequest) => actionContext(r, clock.now());

  for (const [path, fn, summary, description] of [
    ['fund', fundCard, 'Fund a card', 'Moves `amount` from the merchant wallet of the card\'s currency to the card, plus the funding fee if the schedule has one. Not enough in the wallet: 422 `insufficient_funds`, nothing moved.'],
    ['withdraw', withdraw, 'Withdraw from a card', 'Moves `amount` from the card\'s balance back to the merchant wallet. Not enough on the card: 422 `insufficient_funds`, nothing moved.'],
  ] as const) {
    app.post(`/v1/cards/:cardId/${path}`, {
      schema: { tags, security, summary, description, params: CardParams, body: AmountBody, response: { 200: TransactionSchema, ...errorResponses(403, 404, 409, 422) } },
    }, (request, reply) => mutation(request, reply, async (tx) => {
      const txn = await fn(tx, ownerOf(request), cardId(request), amountOf(request), ctx(request));
      return { status: 200, body: presentTransaction(txn) };
    }));
  }

  const Estimate = Type.Object({ object: Type.Literal('reservation_estimate'), amount: Type.Integer(), fee: Type.Integer(), total: Type.Integer(), currency: Type.String() });
  app.post('/v1/cards/:cardId/reservations/estimate', {
    schema: {
      tags, security, summary: 'Estimate a reservation',
      description: 'The fee and total for reserving `amount` as authorization balance (default fee 1.00 + 1 %, half-up: 300 → fee 103, total 403). Moves nothing.',
      params: CardParams, body: AmountBody, response: { 200: Estimate, ...errorResponses(403, 404) },
    },
  }, async (request) => {
    const e = await db.transaction((tx) => estimateReservation(tx, ownerOf(request), cardId(request), amountOf(request)));
    return { object: 'reservation_estimate' as const, amount: toJsonNumber(e.amount), fee: toJsonNumber(e.fee), total: toJsonNumber(e.total), currency: e.card.currency };
  });

  app.post('/v1/cards/:cardId/reservations', {
    schema: {
      tags, security, summary: 'Reserve an authorization balance',
      description: 'Moves amount + fee from the card\'s balance to its authorization balance for 10 minutes (24 hours for business cards). What is unused at expiry returns to the balance (`reservation.expired`). Cards in `reserve` mode spend only from the authorization balance.',
      params: CardParams, body: AmountBody,
      response: {
        201: Type.Object({
          id: Type.String({ description: 'res_…' }), object: Type.Literal('reservation'), card_id: Type.String(), amount: Type.Integer(), fee: Type.Integer(),
          total: Type.Integer(), currency: Type.String(), expires_at: Timestamp, transaction_id: Type.String(),
        }),
        ...errorResponses(403, 404, 409, 422),
      },
    },
  }, (request, reply) => mutation(request, reply, async (tx) => {
    const r = await reserve(tx, ownerOf(request), cardId(request), amountOf(request), ctx(request));
    return {
      status: 201,
      body: {
        id: r.id, object: 'reservation' as const, card_id: r.card.id, amount: toJsonNumber(r.amount), fee: toJsonNumber(r.fee), total: toJsonNumber(r.total),
        currency: r.card.currency, expires_at: r.expiresAt.toISOString(), transaction_id: r.transaction.id,
      },
    };
  }));

  app.get('/v1/cards/:cardId/balance', {
    schema: {
      tags, security, summary: 'Card balance', description: 'All from the ledger: `available` to spend, the `authorization_balance` (reserve), and `pending_holds` (authorizations not yet cleared).',
      params: CardParams,
      response: { 200: Type.Object({ object: Type.Literal('balance'), currency: Type.String(), available: Type.Integer(), authorization_balance: Type.Integer(), pending_holds: Type.Integer() }), ...errorResponses(403, 404) },
    },
  }, async (request) => {
    const b = await cardBalance(db, ownerOf(request), cardId(request));
    return { object: 'balance' as const, currency: b.currency, available: toJsonNumber(b.available), authorization_balance: toJsonNumber(b.authorizationBalance), pending_holds: toJsonNumber(b.pendingHolds) };
  });

  app.post('/v1/cards/:cardId/close', {
    schema: {
      tags, security, summary: 'Close a card',
      description: 'Returns everything spendable on the card (balance and authorization balance) to the merchant wallet and sets the card CLOSED (KazePay closeCard). Holds already pending can still clear.',
      params: CardParams,
      response: { 200: Type.Object({ object: Type.Literal('card_closure'), card: CardSchema, refunded_amount: Type.Integer(), transaction_id: Type.String() }), ...errorResponses(403, 404, 409) },
    },
  }, (request, reply) => mutation(request, reply, async (tx) => {
    const r = await closeCard(tx, ownerOf(request), cardId(request), ctx(request));
    return { status: 200, body: { object: 'card_closure' as const, card: await cardBody(app, tx, r.card), refunded_amount: toJsonNumber(r.refunded), transaction_id: r.transaction.id } };
  }));
}
