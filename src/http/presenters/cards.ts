import { Type } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { CARD_BRANDS, CARD_STATUSES, CARD_TIERS, CARD_TYPES, presentCard, readCardBalances, readManyCardBalances, type Card } from '../../cards/index.ts';
import type { Queryable } from '../../db/index.ts';
import { AddressSchema } from './customers.ts';
import { Timestamp } from '../schemas.ts';

const lit = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const Address = Type.Object(AddressSchema.properties);

export const CardSchema = Type.Object({
  id: Type.String({ description: 'card_…' }),
  object: Type.Literal('card'),
  account_id: Type.String(),
  customer_id: Type.String(),
  type: lit(CARD_TYPES),
  brand: lit(CARD_BRANDS),
  status: lit(CARD_STATUSES),
  tier: lit(CARD_TIERS),
  currency: Type.String(),
  masked_number: Type.String({ description: 'e.g. "5323 **** **** 9217"' }),
  last4: Type.String(),
  exp_month: Type.Integer(),
  exp_year: Type.Integer(),
  expire_in_months: Type.Integer({ description: 'Whole months until the end of the expiry month.' }),
  is_expired: Type.Boolean(),
  nickname: Type.Union([Type.String(), Type.Null()]),
  is_default: Type.Boolean(),
  is_recurring: Type.Boolean(),
  card_token: Type.String({ description: 'Opaque token naming the card for payments without the PAN.' }),
  billing_address: Address,
  shipping: Type.Union([Type.Object({
    address: Type.Union([Address, Type.Null()]),
    status: Type.Union([lit(['ordered', 'shipped', 'delivered'] as const), Type.Null()]),
    tracking: Type.Union([Type.String(), Type.Null()]),
  }), Type.Null()]),
  pin_set: Type.Boolean(),
  authorization_mode: Type.Union([lit(['direct', 'reserve'] as const), Type.Null()], { description: 'Per-card override of the merchant default; null follows the merchant.' }),
  pin_blocked: Type.Boolean(),
  balance: Type.Integer({ description: 'Available to spend, minor units (from the ledger).' }),
  authorization_balance: Type.Integer({ description: 'Reserved authorization balance, minor units (from the ledger).' }),
  livemode: Type.Boolean(),
  created_at: Timestamp,
  updated_at: Type.Union([Timestamp, Type.Null()]),
});

export async function cardBody(app: FastifyInstance, q: Queryable, card: Card) {
  return presentCard(card, await readCardBalances(q, card), app.deps.clock.now());
}

export async function cardList(app: FastifyInstance, q: Queryable, cards: Card[], hasMore: boolean) {
  const balances = await readManyCardBalances(q, cards);
  const now = app.deps.clock.now();
  return { object: 'list' as const, data: cards.map((c) => presentCard(c, balances.get(c.id)!, now)), has_more: hasMore };
}
