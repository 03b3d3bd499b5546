import { Type } from '@fastify/type-provider-typebox';
import { updateSignatureSettings } from '../../../signatures/index.ts';
import { ownerOf } from '../../plugins/auth.ts';
import { SignatureSettingsSchema, presentSignatureSettings } from '../../presenters/signatures.ts';
import { errorResponses } from '../../schemas.ts';
import type { TypedApp } from '../../route.ts';
import { realTimeContext } from '../webhooks/shared.ts';
import { changingPolicy, signaturesRoute } from './shared.ts';

export const UpdateSignatureSettingsBody = Type.Object({
  require_signatures: Type.Boolean(),
}, { additionalProperties: false, examples: [{ require_signatures: true }] });

export function updateSignatureSettingsRoute(app: TypedApp): void {
  app.patch('/v1/signature_settings', {
    // Not config.idempotent: see changingPolicy().
    schema: {
      ...signaturesRoute.schema, operationId: 'signatureSettings.update', summary: 'Require signatures',
      description: '`require_signatures: true` refuses unsigned mutating requests for this merchant and mode (a key must be '
        + 'registered first, 409 otherwise). Turning it off must itself be a signed request while a key is registered.',
      body: UpdateSignatureSettingsBody,
      response: { 200: SignatureSettingsSchema, ...errorResponses(403, 409) },
    },
  }, (request, reply) => changingPolicy(request, reply, 200, async (tx) => {
    const { require_signatures: requireSignatures } = request.body;
    const settings = await updateSignatureSettings(tx, ownerOf(request), requireSignatures, realTimeContext(request));
    return presentSignatureSettings(settings);
  }));
}
