import { getControls } from '../../../authorizations/index.ts';
import { errorResponses } from '../../schemas.ts';
import type { TypedApp } from '../../route.ts';
import { ControlsParams, ControlsResponse, controlledOwner, controlsDoc, controlsUrl, type ControlsOwner } from './schemas.ts';

/** GET the spending controls of a card or of a customer. */
export function retrieveSpendingControlsRoute(app: TypedApp, ownerType: ControlsOwner): void {
  const { db } = app.deps;
  app.get(controlsUrl(ownerType), {
    schema: {
      ...controlsDoc, operationId: `${ownerType}s.retrieveSpendingControls`, summary: `A ${ownerType}'s spending controls`,
      description: 'The controls in force (empty when none).',
      params: ControlsParams, response: { 200: ControlsResponse, ...errorResponses(403, 404) },
    },
  }, async (request) => {
    const owner = await controlledOwner(ownerType, db, request, request.params.id);
    return { object: 'spending_controls' as const, owner_type: ownerType, owner_id: owner.id, ...(await getControls(db, ownerType, owner.id)) };
  });
}
