import { getLiveAccessRequest } from '../../../live-access/index.ts';
import { errorResponses } from '../../schemas.ts';
import type { TypedApp } from '../../route.ts';
import { LiveAccessParams, LiveAccessRequestSchema, liveAccessAdmin, presentRequest } from './schemas.ts';

export function adminRetrieveLiveAccessRequestRoute(app: TypedApp): void {
  app.get('/admin/v1/live_access_requests/:id', {
    config: liveAccessAdmin.config,
    schema: {
      ...liveAccessAdmin.schema, operationId: 'admin.liveAccessRequests.retrieve', summary: 'Retrieve a production access request',
      description: 'One request by id.',
      params: LiveAccessParams,
      response: { 200: { ...LiveAccessRequestSchema, description: 'The request.' }, ...errorResponses(404) },
    },
  }, async (request) => presentRequest(await getLiveAccessRequest(app.deps.db, request.params.id)));
}
