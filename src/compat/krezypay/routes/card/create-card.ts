import { Type } from '@fastify/type-provider-typebox';
import { CARD_BRANDS, CARD_TIERS, CARD_TYPES, createCard } from '../../../../cards/index.ts';
import { ensureAccount } from '../../../../accounts/index.ts';
import { actionContext, ownerOf } from '../../../../http/plugins/auth.ts';
import { AddressSchema } from '../../../../http/presenters/customers.ts';
import { txOf, type TypedApp } from '../../../../http/route.ts';
import { KREZYPAY_STATUS, expMMYY } from '../../present.ts';
import { Body, CustomerId, EXAMPLE, KrezyStatusSchema, Success, krezyErrors, krezyIdempotent, krezyRoute } from '../../schemas.ts';

export const CreateCardBody = Body({
  customer_id: CustomerId,
  type: Type.Optional(Type.Enum(CARD_TYPES, { description: 'virtual (default) or physical.' })),
  brand: Type.Optional(Type.Enum(CARD_BRANDS)),
  currency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217; USD by default.' })),
  tier: Type.Optional(Type.Enum(CARD_TIERS, { description: 'business keeps reserved funds 24 hours instead of 10 minutes.' })),
  nickname: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  shipping_address: Type.Optional(AddressSchema),
}, { customer_id: EXAMPLE.customerId, type: 'virtual', brand: 'VISA', currency: 'USD', tier: 'standard', nickname: 'Ads card' });

export function createCardRoute(app: TypedApp): void {
  const { clock, keys, config } = app.deps;
  app.post('/v1/:mode/card/create', {
    config: krezyIdempotent,
    schema: {
      ...krezyRoute, operationId: 'krezypay.createCard', summary: 'KrezyPay: create a card',
      description: "Issues a card to a customer on the customer's account in `currency` (default USD), opened if it has none "
        + '(one account per customer and currency, whichever surface opens it); virtual by default, physical needs '
        + '`shipping_address`.',
      body: CreateCardBody,
      response: {
        200: Success({
          message: Type.Literal('Card created.'), card_id: Type.String({ description: 'card_…' }), card_status: KrezyStatusSchema,
          last4: Type.String(), exp: Type.String({ description: 'MM/YY.' }),
        }, { message: 'Card created.', card_id: EXAMPLE.cardId, card_status: 'active', last4: '9217', exp: '10/28' }, 'Issued.'),
        ...krezyErrors,
      },
    },
  }, async (request) => {
    const tx = txOf(request);
    const owner = ownerOf(request);
    const body = request.body;
    const ctx = actionContext(request, clock.now());
    const account = await ensureAccount(tx, owner, body.customer_id, body.currency ?? 'USD', ctx);
    const card = await createCard(tx, owner, account.id, {
      type: body.type ?? 'virtual', brand: body.brand, tier: body.tier, nickname: body.nickname, shippingAddress: body.shipping_address,
    }, { ...ctx, keys, bins: config.cardBins });
    return {
      status: 'success' as const, message: 'Card created.' as const, card_id: card.id, card_status: KREZYPAY_STATUS[card.status],
      last4: card.last4, exp: expMMYY(card),
    };
  });
}
