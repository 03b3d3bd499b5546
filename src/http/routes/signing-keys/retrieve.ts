import { getSigningKey } from '../../../signatures/index.ts';
import { ownerOf } from '../../plugins/auth.ts';
import { SigningKeySchema, presentSigningKey } from '../../presenters/signatures.ts';
import { errorResponses } from '../../schemas.ts';
import type { TypedApp } from '../../route.ts';
import { SigningKeyParams, signaturesRoute } from './shared.ts';

export function retrieveSigningKeyRoute(app: TypedApp): void {
  app.get('/v1/signing_keys/:id', {
    schema: {
      ...signaturesRoute.schema, operationId: 'signingKeys.retrieve', summary: 'Retrieve a signing key',
      description: 'One active key of this merchant and mode, as a public JWK.',
      params: SigningKeyParams,
      response: { 200: SigningKeySchema, ...errorResponses(403, 404) },
    },
  }, async (request) => presentSigningKey(await getSigningKey(app.deps.db, ownerOf(request), request.params.id)));
}
