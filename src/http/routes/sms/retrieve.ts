import { Type } from '@fastify/type-provider-typebox';
import { getSms } from '../../../sms/index.ts';
import { ownerOf } from '../../plugins/auth.ts';
import { errorResponses } from '../../schemas.ts';
import type { TypedApp } from '../../route.ts';
import { presentSmsBody, SmsSchema, smsSchema } from './shared.ts';

export function retrieveSmsRoute(app: TypedApp): void {
  app.get('/v1/sms/:id', {
    schema: {
      ...smsSchema, operationId: 'sms.retrieve', summary: 'Retrieve an SMS',
      description: "One SMS; another merchant's, or the other mode's, answers 404.",
      params: Type.Object({ id: Type.String({ maxLength: 64, description: 'sms_…' }) }),
      response: { 200: { ...SmsSchema, description: 'The SMS.' }, ...errorResponses(403, 404) },
    },
  }, async (request) => presentSmsBody(await getSms(app.deps.db, ownerOf(request), request.params.id)));
}
