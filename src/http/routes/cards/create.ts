import { Type } from '@fastify/type-provider-typebox';
import { CARD_BRANDS, CARD_TIERS, CARD_TYPES, createCard, readCardBalances } from '../../../cards/index.ts';
import { ownerOf } from '../../plugins/auth.ts';
import { AddressSchema } from '../../presenters/customers.ts';
import { CARD_EXAMPLE, CardSchema, presentCard } from '../../presenters/cards.ts';
import { txOf, type TypedApp } from '../../route.ts';
import { AccountParams, cardChangeErrors, cardContext, cardsDoc } from './schemas.ts';

export const CreateCardBody = Type.Object({
  type: Type.Enum(CARD_TYPES),
  brand: Type.Optional(Type.Enum(CARD_BRANDS, { description: 'VISA by default.' })),
  nickname: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  tier: Type.Optional(Type.Enum(CARD_TIERS, { description: 'standard by default.' })),
  billing_address: Type.Optional(AddressSchema),
  shipping_address: Type.Optional(AddressSchema),
}, {
  additionalProperties: false,
  examples: [{ type: 'virtual', brand: 'VISA', nickname: 'Travel' }],
});

export function createCardRoute(app: TypedApp): void {
  app.post('/v1/accounts/:accountId/cards', {
    config: { idempotent: true },
    schema: {
      ...cardsDoc, operationId: 'cards.create', summary: 'Issue a card',
      description: 'Issues a virtual card (ACTIVE at once) or a physical card (PENDING_ACTIVATION, shipment `ordered`, an activation '
        + "code sent to the cardholder). Physical cards need `shipping_address`; `billing_address` defaults to the customer's address. "
        + 'By default an account holds at most one virtual and one physical card that is not terminated (422 `card_limit_reached`). '
        + 'Writes `card.created`.',
      params: AccountParams,
      body: CreateCardBody,
      response: {
        201: Type.Object(CardSchema.properties, { description: 'The new card, masked.', examples: [{ ...CARD_EXAMPLE, balance: 0 }] }),
        ...cardChangeErrors(),
      },
    },
  }, async (request, reply) => {
    const tx = txOf(request);
    const { type, brand, nickname, tier, billing_address: billingAddress, shipping_address: shippingAddress } = request.body;
    const input = { type, brand, nickname, tier, billingAddress, shippingAddress };
    const card = await createCard(tx, ownerOf(request), request.params.accountId, input, cardContext(app, request));
    reply.code(201);
    return presentCard(card, await readCardBalances(tx, card), app.deps.clock.now());
  });
}
