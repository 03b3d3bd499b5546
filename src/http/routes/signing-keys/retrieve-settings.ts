import { getSignatureSettings } from '../../../signatures/index.ts';
import { ownerOf } from '../../plugins/auth.ts';
import { SignatureSettingsSchema, presentSignatureSettings } from '../../presenters/signatures.ts';
import { errorResponses } from '../../schemas.ts';
import type { TypedApp } from '../../route.ts';
import { signaturesRoute } from './shared.ts';

export function retrieveSignatureSettingsRoute(app: TypedApp): void {
  app.get('/v1/signature_settings', {
    schema: {
      ...signaturesRoute.schema, operationId: 'signatureSettings.retrieve', summary: 'Signature settings',
      description: 'Whether this merchant and mode require signed requests.',
      response: { 200: SignatureSettingsSchema, ...errorResponses(403) },
    },
  }, async (request) => presentSignatureSettings(await getSignatureSettings(app.deps.db, ownerOf(request))));
}
