import { Type, type Static } from '@fastify/type-provider-typebox';
import { applyStatus, getCard, updateCard } from '../../../cards/index.ts';
import type { Owner } from '../../../customers/index.ts';
import type { ActionContext } from '../../../lib/context.ts';
import type { Tx } from '../../../db/index.ts';
import { DomainError } from '../../../lib/errors.ts';
import { actionContext, ownerOf } from '../../../http/plugins/auth.ts';
import { txOf, type TypedApp } from '../../../http/route.ts';
import { ACTION_FOR, KWIK_STATUS, KwikStatusSchema, RECORD_EXAMPLE, RecordSchema, record } from '../present.ts';
import { kwikFailures, kwikRoute } from '../schemas.ts';

/** Why 100: one batch is one transaction holding its cards' locks. */
export const KWIK_UPDATE_MAX = 100;

const UpdateRecord = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 64, description: 'card_…' }),
  card_status: Type.Optional(KwikStatusSchema),
  card_nickname: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()], { description: 'null clears it.' })),
  is_default: Type.Optional(Type.Boolean()),
}, { additionalProperties: false });

export const UpdateCardsBody = Type.Object({
  records: Type.Array(UpdateRecord, { minItems: 1, maxItems: KWIK_UPDATE_MAX }),
}, {
  additionalProperties: false,
  examples: [{ records: [{ id: RECORD_EXAMPLE.id, card_status: 'ACTIVE', card_nickname: "Mike's Updated Card", is_default: true }] }],
});

/** A refusal while applying record `index` names it (Kwik's `index`); anything else passes through untouched. */
async function atIndex<T>(index: number, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    throw new DomainError(err.code, err.message, err.param, { ...err.details, kwikIndex: index });
  }
}

async function applyRecord(tx: Tx, owner: Owner, r: Static<typeof UpdateRecord>, index: number, ctx: ActionContext) {
  let card = await getCard(tx, owner, r.id, { forUpdate: true });
  if (r.card_status !== undefined && KWIK_STATUS[card.status] !== r.card_status) {
    const action = ACTION_FOR[r.card_status];
    if (action === null) throw new DomainError('invalid_card_status', `Record ${index}: a card becomes EXPIRED only when its expiry date passes.`);
    card = await applyStatus(tx, card, action, ctx);
  }
  if (r.card_nickname !== undefined || r.is_default !== undefined) {
    card = await updateCard(tx, owner, card.id, { nickname: r.card_nickname, isDefault: r.is_default }, ctx);
  }
  return card;
}

export function updateCardsRoute(app: TypedApp): void {
  const { clock } = app.deps;
  app.post('/cards/update', {
    config: { ...kwikRoute.config, idempotent: true },
    schema: {
      ...kwikRoute.schema, operationId: 'kwik.updateCards', summary: 'Kwik: update cards',
      description: `Updates up to ${KWIK_UPDATE_MAX} cards. Only the fields sent change; \`card_nickname: null\` clears the nickname; `
        + "`is_default: true` clears the flag on the customer's other cards. `card_status` moves the card through Tessera's state "
        + 'machine (ACTIVE unfreezes, DISABLED freezes, ARCHIVED archives for good; EXPIRED cannot be set). All-or-nothing: a '
        + "failure changes nothing and names the record's `index`.",
      body: UpdateCardsBody,
      response: {
        200: Type.Object({ status: Type.Literal(true), results: Type.Array(RecordSchema) }, {
          description: 'Every record, as it is after the batch.', examples: [{ status: true, results: [RECORD_EXAMPLE] }],
        }),
        ...kwikFailures(404, 409, 422),
      },
    },
  }, async (request) => {
    const tx = txOf(request);
    const owner = ownerOf(request);
    const ctx = actionContext(request, clock.now());
    const changed = [];
    for (const [index, r] of request.body.records.entries()) changed.push(await atIndex(index, () => applyRecord(tx, owner, r, index, ctx)));
    // Re-read: a later record's is_default may have cleared an earlier one's.
    const fresh = await Promise.all(changed.map((c) => getCard(tx, owner, c.id)));
    return { status: true as const, results: fresh.map((c) => record(c, ctx.at)) };
  });
}
