import { readCardBalances, revealCard } from '../../../../cards/index.ts';
import { getCustomer } from '../../../../customers/index.ts';
import { actionContext, ownerOf } from '../../../../http/plugins/auth.ts';
import { REVEALS_PER_MINUTE_MAX } from '../../../../http/plugins/rate-limit.ts';
import type { TypedApp } from '../../../../http/route.ts';
import { scaleOf } from '../../../shared.ts';
import { KrezyCardDetailsSchema, krezyCard } from '../../present.ts';
import { CardIdBody, krezyErrors, krezyRoute } from '../../schemas.ts';

export function retrieveCardDetailsRoute(app: TypedApp): void {
  const { db, keys, clock } = app.deps;
  app.post('/v1/:mode/card/retrieve_card_details', {
    config: { auth: 'merchant', scope: 'cards:reveal' },
    schema: {
      ...krezyRoute, operationId: 'krezypay.retrieveCardDetails', summary: 'KrezyPay: retrieve sensitive card details',
      description: 'The same as retrieve_card with the full number and CVV (seed 000). Needs a key with the `cards:reveal` scope; '
        + `every call is audited; limited to ${REVEALS_PER_MINUTE_MAX} reveals a minute per key, on every surface. Never stored for `
        + 'replays, never cached.',
      body: CardIdBody,
      response: { 200: KrezyCardDetailsSchema, ...krezyErrors },
    },
  }, async (request, reply) => {
    // Not idempotent: a reveal is never stored, sealed or not (http/plugins/idempotency.ts).
    const owner = ownerOf(request);
    const revealed = await db.transaction((tx) => revealCard(tx, owner, request.body.card_id, { ...actionContext(request, clock.now()), keys }));
    const customer = await getCustomer(db, owner, revealed.card.customerId);
    reply.header('cache-control', 'no-store');
    const [balances, scale] = [await readCardBalances(db, revealed.card), await scaleOf(db, revealed.card.currency)];
    return krezyCard(revealed.card, customer, balances, scale, revealed.number, revealed.cvv);
  });
}
