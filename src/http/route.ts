import type {
  FastifyBaseLogger, FastifyInstance, FastifyRequest, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault,
} from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Tx } from '../db/index.ts';

/**
 * The app as route files see it: with the TypeBox type provider, so a route's schema is its type
 * (`request.body`, `request.params`, `request.query` are inferred; no casts).
 *
 * A route file (`routes/<resource>/<verb>.ts`) exports its schemas and one function that registers the
 * route on a TypedApp. What a route requires besides its schema is declared in its `config` and enforced
 * by hooks, never called by hand in the handler:
 * - `auth`: 'merchant' (default under /v1), 'admin' (default under /admin), 'public';
 * - `scope`: the key scope needed (default `read` for GET, `write` otherwise);
 * - `sandboxOnly`: refused with 403 `sandbox_only` for a live key (http/plugins/auth.ts);
 * - `idempotent`: the handler runs inside one transaction together with the claim of the request's
 *   Idempotency-Key (http/plugins/idempotency.ts); it reads that transaction with `txOf(request)`, sets
 *   its status with `reply.code()` and returns the body. `{ secret: true }` when the body carries a
 *   secret shown once (stored sealed for replays).
 */
export type TypedApp = FastifyInstance<
  RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, TypeBoxTypeProvider
>;

export const typed = (app: FastifyInstance): TypedApp => app.withTypeProvider<TypeBoxTypeProvider>();

/** The transaction an `idempotent` route's handler runs in. */
export function txOf(request: FastifyRequest): Tx {
  if (request.tx === null) {
    throw new Error(`route ${request.routeOptions.url} uses txOf() but is not declared config.idempotent`);
  }
  return request.tx;
}
