import { Type } from '@fastify/type-provider-typebox';
import { blockNumber } from '../../../sms/index.ts';
import { actionContext } from '../../plugins/auth.ts';
import { errorResponses } from '../../schemas.ts';
import { txOf, type TypedApp } from '../../route.ts';
import { BlockedSchema, presentBlocked } from './admin-schemas.ts';
import { E164, smsAdmin } from './shared.ts';

export const BlockNumberBody = Type.Object({
  number: E164,
  reason: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
}, { additionalProperties: false, examples: [{ number: '+33612345678', reason: 'Asked to receive no more messages.' }] });

export function adminBlockNumberRoute(app: TypedApp): void {
  app.post('/admin/v1/sms/blocked_numbers', {
    config: { ...smsAdmin.config, idempotent: true },
    schema: {
      ...smsAdmin.schema, operationId: 'admin.sms.blockNumber', summary: 'Block a number',
      description: "No merchant can send SMS to this number any more (422 `recipient_blocked`); Tessera's own messages "
        + '(activation codes) still go. Blocking twice is no change. Audited.',
      body: BlockNumberBody,
      response: { 200: { ...BlockedSchema, description: 'The number, blocked.' }, ...errorResponses(404) },
    },
  }, async (request) => presentBlocked(await blockNumber(txOf(request), request.body.number, request.body.reason ?? null,
    actionContext(request, app.deps.clock.now()))));
}
