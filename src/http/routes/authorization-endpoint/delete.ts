import { Type } from '@fastify/type-provider-typebox';
import { deleteDecisionEndpoint } from '../../../authorizations/index.ts';
import { ownerOf } from '../../plugins/auth.ts';
import { mutation } from '../../plugins/idempotency.ts';
import { errorResponses } from '../../schemas.ts';
import type { TypedApp } from '../../route.ts';
import { changingEndpoint, endpointDoc } from './schemas.ts';

export const DeletedEndpointSchema = Type.Object({
  object: Type.Literal('authorization_endpoint'),
  deleted: Type.Boolean({ description: 'false when there was none.' }),
}, { examples: [{ object: 'authorization_endpoint', deleted: true }] });

export function deleteAuthorizationEndpointRoute(app: TypedApp): void {
  app.delete('/v1/authorization_endpoint', {
    // Not config.idempotent: the cached endpoint is forgotten after the transaction, around mutation() (changingEndpoint).
    schema: {
      ...endpointDoc, operationId: 'authorizationEndpoint.delete', summary: 'Remove the real-time decision endpoint',
      description: 'Tessera decides alone from now on.',
      response: { 200: DeletedEndpointSchema, ...errorResponses(403) },
    },
  }, (request, reply) => {
    const owner = ownerOf(request);
    return changingEndpoint(app, owner, () => mutation(request, reply, async (tx) => {
      const deleted = await deleteDecisionEndpoint(tx, owner);
      return { status: 200, body: { object: 'authorization_endpoint' as const, deleted } };
    }));
  });
}
