import { getDecisionEndpoint } from '../../../authorizations/index.ts';
import { DomainError } from '../../../lib/errors.ts';
import { ownerOf } from '../../plugins/auth.ts';
import { errorResponses } from '../../schemas.ts';
import type { TypedApp } from '../../route.ts';
import { EndpointSchema, endpointDoc } from './schemas.ts';

export function retrieveAuthorizationEndpointRoute(app: TypedApp): void {
  const { db, keys } = app.deps;
  app.get('/v1/authorization_endpoint', {
    schema: {
      ...endpointDoc, operationId: 'authorizationEndpoint.retrieve', summary: 'The real-time decision endpoint',
      description: 'Without its secret. 404 when none is set.',
      response: { 200: EndpointSchema, ...errorResponses(403, 404) },
    },
  }, async (request) => {
    const e = await getDecisionEndpoint(db, keys, ownerOf(request));
    if (!e) throw new DomainError('resource_not_found', 'No real-time decision endpoint is set.');
    return { object: 'authorization_endpoint' as const, url: e.url, fallback: e.fallback, timeout_ms: e.timeoutMs };
  });
}
