import { Type } from '@fastify/type-provider-typebox';
import { deleteSigningKey } from '../../../signatures/index.ts';
import { ownerOf } from '../../plugins/auth.ts';
import { errorResponses } from '../../schemas.ts';
import type { TypedApp } from '../../route.ts';
import { realTimeContext } from '../webhooks/shared.ts';
import { changingPolicy, SigningKeyParams, signaturesRoute } from './shared.ts';

export const DeletedSigningKeySchema = Type.Object({
  id: Type.String(), object: Type.Literal('signing_key'), deleted: Type.Literal(true),
}, { examples: [{ id: 'key_01jz9a3k6mq8w1c4x7v0n2b5tr', object: 'signing_key', deleted: true }] });

export function deleteSigningKeyRoute(app: TypedApp): void {
  app.delete('/v1/signing_keys/:id', {
    // Not config.idempotent: see changingPolicy().
    schema: {
      ...signaturesRoute.schema, operationId: 'signingKeys.delete', summary: 'Delete a signing key',
      description: 'Signatures made with it are refused from now on. The last key cannot be deleted while `require_signatures` '
        + 'is on (409).',
      params: SigningKeyParams,
      response: { 200: DeletedSigningKeySchema, ...errorResponses(403, 404, 409) },
    },
  }, (request, reply) => changingPolicy(request, reply, 200, async (tx) => {
    const key = await deleteSigningKey(tx, ownerOf(request), request.params.id, realTimeContext(request));
    return { id: key.id, object: 'signing_key' as const, deleted: true as const };
  }));
}
