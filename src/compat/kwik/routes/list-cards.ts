import { Type } from '@fastify/type-provider-typebox';
import { listCards } from '../../../cards/index.ts';
import { ownerOf } from '../../../http/plugins/auth.ts';
import type { TypedApp } from '../../../http/route.ts';
import { KwikStatusSchema, RECORD_EXAMPLE, RecordSchema, nativeStatusesOf, record } from '../present.ts';
import { kwikFailures, kwikRoute } from '../schemas.ts';

/** Why 1,000: Kwik's list has no paging; this bounds one response, newest first. */
export const KWIK_LIST_MAX = 1_000;

export function listCardsRoute(app: TypedApp): void {
  const { db, clock } = app.deps;
  app.get('/cards', {
    config: kwikRoute.config,
    schema: {
      ...kwikRoute.schema, operationId: 'kwik.listCards', summary: 'Kwik: list cards',
      description: `Cards of the key's merchant and mode, newest first (at most ${KWIK_LIST_MAX}). Filters: \`expire_in_months\` (cards `
        + 'expiring within that many months), `card_status` (ACTIVE, ARCHIVED, DISABLED, EXPIRED — DISABLED covers frozen and '
        + 'not-yet-activated cards; ARCHIVED covers terminated, closed and archived ones), `customer_id`. Timestamps are UTC, '
        + '`YYYY-MM-DD HH:mm:ss`.',
      querystring: Type.Object({
        expire_in_months: Type.Optional(Type.Integer({ minimum: 0, maximum: 120, description: 'Cards that expire within this many months.' })),
        card_status: Type.Optional(KwikStatusSchema),
        customer_id: Type.Optional(Type.String({ maxLength: 64, description: 'cus_…' })),
      }, { additionalProperties: false }),
      response: {
        200: Type.Object({ status: Type.Literal(true), records: Type.Array(RecordSchema) }, {
          description: 'The cards.', examples: [{ status: true, records: [RECORD_EXAMPLE] }],
        }),
        ...kwikFailures(),
      },
    },
  }, async (request) => {
    const { expire_in_months: expireInMonths, card_status: status, customer_id: customerId } = request.query;
    const now = clock.now();
    const filter = { customerId, expireInMonths, ...(status !== undefined ? { statuses: nativeStatusesOf(status) } : {}) };
    const page = await listCards(db, ownerOf(request), filter, { limit: KWIK_LIST_MAX, startingAfter: null }, now);
    return { status: true as const, records: page.data.map((c) => record(c, now)) };
  });
}
