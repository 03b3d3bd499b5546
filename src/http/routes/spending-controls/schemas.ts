import type { FastifyRequest } from 'fastify';
import { Type } from '@fastify/type-provider-typebox';
import { getCard } from '../../../cards/index.ts';
import { getCustomer } from '../../../customers/index.ts';
import type { Queryable } from '../../../db/index.ts';
import { AMOUNT_MAX } from '../../../lib/money.ts';
import { ownerOf } from '../../plugins/auth.ts';
import { ExactInteger } from '../../plugins/number-texts.ts';

export type ControlsOwner = 'card' | 'customer';

export const controlsDoc = { tags: ['Spending controls'], security: [{ apiKey: [] }] };
export const controlsUrl = (ownerType: ControlsOwner) =>
  (ownerType === 'card' ? '/v1/cards/:id/spending_controls' : '/v1/customers/:id/spending_controls');
export const ControlsParams = Type.Object({ id: Type.String({ maxLength: 64, description: 'card_… or cus_…' }) });

const limit = (what: string) =>
  Type.Optional(ExactInteger({ minimum: 0, maximum: Number(AMOUNT_MAX), description: `${what}, minor units of the card currency.` }));

const CONTROLS_EXAMPLE = { per_authorization: 50000, daily: 100000, monthly: 500000, daily_count: 20, blocked_mccs: ['7995'], blocked_countries: ['KP'] };

export const ControlsSchema = Type.Object({
  per_authorization: limit('Largest single authorization'),
  daily: limit('Spend per UTC day (from 00:00)'),
  weekly: limit('Spend per ISO week (from Monday 00:00 UTC)'),
  monthly: limit('Spend per calendar month (UTC)'),
  yearly: limit('Spend per calendar year (UTC)'),
  all_time: limit('Spend ever'),
  daily_count: Type.Optional(Type.Integer({ minimum: 0, maximum: 100000, description: 'Approved authorizations per UTC day.' })),
  allowed_mccs: Type.Optional(Type.Array(Type.String(), { maxItems: 500, description: 'If set, only these merchant category codes.' })),
  blocked_mccs: Type.Optional(Type.Array(Type.String(), { maxItems: 500 })),
  blocked_countries: Type.Optional(Type.Array(Type.String(), { maxItems: 250, description: 'ISO 3166-1 alpha-2.' })),
}, { additionalProperties: false, examples: [CONTROLS_EXAMPLE] });

export const ControlsResponse = Type.Object({
  object: Type.Literal('spending_controls'), owner_type: Type.Enum(['card', 'customer'] as const), owner_id: Type.String(),
  ...ControlsSchema.properties,
}, {
  examples: [{ object: 'spending_controls', owner_type: 'card', owner_id: 'card_01jz3q5v8kx2m4n6p8r0t2w4y6', ...CONTROLS_EXAMPLE }],
});

/** The card or customer the path names, of the caller's merchant and mode (404 otherwise). */
export const controlledOwner = (ownerType: ControlsOwner, q: Queryable, request: FastifyRequest, id: string) =>
  (ownerType === 'card' ? getCard(q, ownerOf(request), id) : getCustomer(q, ownerOf(request), id));
