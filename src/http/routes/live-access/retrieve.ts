import { getLiveAccessRequest } from '../../../live-access/index.ts';
import { principalOf } from '../../plugins/auth.ts';
import { errorResponses } from '../../schemas.ts';
import type { TypedApp } from '../../route.ts';
import { LiveAccessParams, LiveAccessRequestSchema, liveAccessSchema, presentRequest } from './schemas.ts';

export function retrieveLiveAccessRequestRoute(app: TypedApp): void {
  app.get('/v1/live_access_requests/:id', {
    schema: {
      ...liveAccessSchema, operationId: 'liveAccessRequests.retrieve', summary: 'Retrieve a production access request',
      description: "One of the merchant's requests; another merchant's answers 404.",
      params: LiveAccessParams,
      response: { 200: { ...LiveAccessRequestSchema, description: 'The request.' }, ...errorResponses(403, 404) },
    },
  }, async (request) =>
    presentRequest(await getLiveAccessRequest(app.deps.db, request.params.id, principalOf(request).merchantId)));
}
