import { Type } from '@fastify/type-provider-typebox';
import { Amount } from '../../presenters/money.ts';

/** The routes that move money on a card. */
export const cardMoneyDoc = { tags: ['Money'], security: [{ apiKey: [] }] };

export const AmountBody = Type.Object({ amount: Amount }, { additionalProperties: false, examples: [{ amount: 2500 }] });
