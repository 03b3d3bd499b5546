import type { TSchema } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { Authorization } from '../../../authorizations/index.ts';
import type { Tx } from '../../../db/index.ts';
import type { Transaction } from '../../../transactions/index.ts';
import { actionContext, ownerOf } from '../../plugins/auth.ts';
import { errorResponses } from '../../schemas.ts';
import { txOf, type TypedApp } from '../../route.ts';
import { AuthParams, WithTransaction, presentWithTransaction, simulationDoc } from './schemas.ts';

type Owner = ReturnType<typeof ownerOf>;

export interface ChangeRoute {
  verb: 'increment' | 'clear' | 'reverse';
  summary: string;
  description: string;
  /** The body's schema (its amounts are read from their text by `run`). */
  body: TSchema;
  /** The lifecycle function, given the authorization's id and the merchant's time. */
  run: (tx: Tx, owner: Owner, id: string, at: Date, request: FastifyRequest) =>
    Promise<{ authorization: Authorization; transaction: Transaction }>;
}

/** POST /v1/simulate/authorizations/{id}/<verb>: sandbox changes to an authorization, one route each, this one body. */
export function authorizationChangeRoute(app: TypedApp, route: ChangeRoute): void {
  app.post(`/v1/simulate/authorizations/:id/${route.verb}`, {
    config: { sandboxOnly: true, idempotent: true },
    schema: {
      ...simulationDoc, operationId: `authorizations.${route.verb}`, summary: route.summary, description: route.description,
      params: AuthParams, body: route.body,
      response: { 200: WithTransaction, ...errorResponses(403, 404, 409, 422) },
    },
  }, async (request) => {
    const at = actionContext(request, app.deps.clock.now()).at;
    return presentWithTransaction(await route.run(txOf(request), ownerOf(request), request.params.id, at, request));
  });
}
