import { setControls } from '../../../authorizations/index.ts';
import { actionContext, ownerOf } from '../../plugins/auth.ts';
import { errorResponses } from '../../schemas.ts';
import { txOf, type TypedApp } from '../../route.ts';
import { ControlsParams, ControlsResponse, ControlsSchema, controlledOwner, controlsDoc, controlsUrl, type ControlsOwner } from './schemas.ts';

/** PUT the spending controls of a card or of a customer: the same route for both owners. */
export function setSpendingControlsRoute(app: TypedApp, ownerType: ControlsOwner): void {
  app.put(controlsUrl(ownerType), {
    config: { idempotent: true },
    schema: {
      ...controlsDoc, operationId: `${ownerType}s.setSpendingControls`, summary: `Set a ${ownerType}'s spending controls`,
      description: 'Replaces the controls. Windows are calendar windows in UTC. Limits hold under concurrency (authorizations of '
        + 'one card, and of one customer with controls, are serialized). Declines: 61 amount limit, 65 count, 57 merchant category '
        + 'or country.',
      params: ControlsParams, body: ControlsSchema,
      response: { 200: ControlsResponse, ...errorResponses(403, 404, 409, 422) },
    },
  }, async (request) => {
    const tx = txOf(request);
    const owner = await controlledOwner(ownerType, tx, request, request.params.id);
    await setControls(tx, ownerOf(request), ownerType, owner.id, request.body, actionContext(request, app.deps.clock.now()).at);
    return { object: 'spending_controls' as const, owner_type: ownerType, owner_id: owner.id, ...request.body };
  });
}
