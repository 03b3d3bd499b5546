import { Type, type Static } from '@fastify/type-provider-typebox';
import {
  CARD_BRANDS, CARD_STATUSES, CARD_TIERS, CARD_TYPES, presentCard as cardObject, type Card, type CardBalances,
} from '../../cards/index.ts';
import { AddressSchema } from './customers.ts';
import { Timestamp } from '../schemas.ts';

const Address = Type.Object(AddressSchema.properties);
const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const AUTHORIZATION_MODES = ['direct', 'reserve'] as const;
export const SHIPMENT_STATUSES = ['ordered', 'shipped', 'delivered'] as const;

export const CARD_EXAMPLE = {
  id: 'card_01jz3q5v8kx2m4n6p8r0t2w4y6', object: 'card', account_id: 'acct_01jz3p1h6gq8w2e4r6t8y0v2k4',
  customer_id: 'cus_01jz3n9d4fb7c1x3z5v7n9m1k3', type: 'virtual', brand: 'VISA', status: 'ACTIVE', tier: 'standard', currency: 'USD',
  masked_number: '4242 **** **** 4242', last4: '4242', exp_month: 11, exp_year: 2029, expire_in_months: 36, is_expired: false,
  nickname: 'Travel', is_default: true, is_recurring: false,
  card_token: '3f9c2a7e51b84d06a9e1c7f2b5d8e0a46c3b9f1e2d7a5c8b0e4f6a1d9c2b7e5f',
  billing_address: { line1: '12 Rue de la Paix', city: 'Paris', state: 'IDF', postal_code: '75002', country: 'FR' },
  shipping: null, pin_set: false, authorization_mode: null, pin_blocked: false, balance: 15000, authorization_balance: 0, livemode: false,
  created_at: '2026-11-04T10:21:37.204Z', updated_at: null,
} as const;

export const CardSchema = Type.Object({
  id: Type.String({ description: 'card_…' }),
  object: Type.Literal('card'),
  account_id: Type.String(),
  customer_id: Type.String(),
  type: Type.Enum(CARD_TYPES),
  brand: Type.Enum(CARD_BRANDS),
  status: Type.Enum(CARD_STATUSES),
  tier: Type.Enum(CARD_TIERS),
  currency: Type.String(),
  masked_number: Type.String({ description: 'The first four and the last four digits, e.g. "5323 **** **** 9217". Never the full number.' }),
  last4: Type.String(),
  exp_month: Type.Integer(),
  exp_year: Type.Integer(),
  expire_in_months: Type.Integer({ description: 'Whole months until the end of the expiry month.' }),
  is_expired: Type.Boolean(),
  nickname: nullable(Type.String()),
  is_default: Type.Boolean(),
  is_recurring: Type.Boolean(),
  card_token: Type.String({ description: 'Opaque token naming the card for payments without the PAN.' }),
  billing_address: Address,
  shipping: nullable(Type.Object({
    address: nullable(Address),
    status: nullable(Type.Enum(SHIPMENT_STATUSES)),
    tracking: nullable(Type.String()),
  })),
  pin_set: Type.Boolean(),
  authorization_mode: nullable(Type.Enum(AUTHORIZATION_MODES, { description: 'Per-card override of the merchant default; null follows the merchant.' })),
  pin_blocked: Type.Boolean(),
  balance: Type.Integer({ description: 'Available to spend, minor units (from the ledger).' }),
  authorization_balance: Type.Integer({ description: 'Reserved authorization balance, minor units (from the ledger).' }),
  livemode: Type.Boolean(),
  created_at: Timestamp,
  updated_at: nullable(Timestamp),
}, { examples: [CARD_EXAMPLE] });

/** The card as the API shows it (the shape of its events too): masked, with balances the route read from the ledger. */
export const presentCard = (card: Card, balances: CardBalances, now: Date) =>
  cardObject(card, balances, now) satisfies Static<typeof CardSchema>;

/** A page of cards, with their balances read in one batch (readManyCardBalances). */
export const presentCardPage = (cards: Card[], balances: ReadonlyMap<string, CardBalances>, hasMore: boolean, now: Date) => ({
  object: 'list' as const, has_more: hasMore, data: cards.map((c) => presentCard(c, balances.get(c.id)!, now)),
});
