import { listSigningKeys } from '../../../signatures/index.ts';
import { PAGE_LIMIT_DEFAULT } from '../../../lib/pagination.ts';
import { ownerOf } from '../../plugins/auth.ts';
import { SigningKeySchema, presentSigningKey } from '../../presenters/signatures.ts';
import { PageQuery, errorResponses, listOf } from '../../schemas.ts';
import type { TypedApp } from '../../route.ts';
import { signaturesRoute } from './shared.ts';

export function listSigningKeysRoute(app: TypedApp): void {
  app.get('/v1/signing_keys', {
    schema: {
      ...signaturesRoute.schema, operationId: 'signingKeys.list', summary: 'List signing keys',
      description: 'The active keys of this merchant and mode, newest first.',
      querystring: PageQuery,
      response: { 200: listOf(SigningKeySchema), ...errorResponses(403) },
    },
  }, async (request) => {
    const { limit = PAGE_LIMIT_DEFAULT, starting_after: startingAfter = null } = request.query;
    const page = await listSigningKeys(app.deps.db, ownerOf(request), { limit, startingAfter });
    return { object: 'list' as const, data: page.data.map(presentSigningKey), has_more: page.hasMore };
  });
}
