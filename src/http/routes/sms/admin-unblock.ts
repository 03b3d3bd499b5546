import { Type } from '@fastify/type-provider-typebox';
import { unblockNumber } from '../../../sms/index.ts';
import { actionContext } from '../../plugins/auth.ts';
import { errorResponses } from '../../schemas.ts';
import { txOf, type TypedApp } from '../../route.ts';
import { E164, smsAdmin } from './shared.ts';

export const UnblockedSchema = Type.Object({
  object: Type.Literal('sms_blocked_number'), number: Type.String(), deleted: Type.Literal(true),
}, { description: 'The number, unblocked.', examples: [{ object: 'sms_blocked_number', number: '+33612345678', deleted: true }] });

export function adminUnblockNumberRoute(app: TypedApp): void {
  app.delete('/admin/v1/sms/blocked_numbers/:number', {
    config: { ...smsAdmin.config, idempotent: true },
    schema: {
      ...smsAdmin.schema, operationId: 'admin.sms.unblockNumber', summary: 'Unblock a number',
      description: 'Audited; 404 when the number is not blocked.',
      params: Type.Object({ number: E164 }),
      response: { 200: UnblockedSchema, ...errorResponses(404) },
    },
  }, async (request) => {
    await unblockNumber(txOf(request), request.params.number, actionContext(request, app.deps.clock.now()));
    return { object: 'sms_blocked_number' as const, number: request.params.number, deleted: true as const };
  });
}
