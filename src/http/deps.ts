import type { Config } from '../config.ts';
import type { Db, Tx } from '../db/index.ts';
import type { Clock } from '../lib/clock.ts';
import type { KeyProvider } from '../crypto/keys.ts';
import type { Principal, Scope } from '../merchants/index.ts';
import type { AuthorizationService } from '../authorizations/index.ts';

/** Everything the HTTP app needs from outside; tests pass their own. */
export interface AppDeps {
  config: Config;
  db: Db;
  clock: Clock;
  keys: KeyProvider;
}

/** Who may call a route: a merchant key or token, the operator's admin token, or anyone. */
export type RouteAuth = 'merchant' | 'admin' | 'public';

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: RouteAuth;
    /** The scope a merchant key needs; by default `read` for GET and `write` otherwise. */
    scope?: Scope;
    /** A simulation route: a live key is refused with 403 `sandbox_only` (SPEC §1). */
    sandboxOnly?: boolean;
    /**
     * The handler runs in one transaction with the claim of the Idempotency-Key (see http/route.ts);
     * `{ secret: true }` when its answer carries a secret shown once.
     */
    idempotent?: boolean | { secret: true };
  }
  interface FastifyInstance {
    deps: AppDeps;
    /** The authorization engine with its group-commit batcher (one per app). */
    authorizations: AuthorizationService;
  }
  interface FastifyRequest {
    principal: Principal | null;
    operator: boolean;
    /** The transaction of an `idempotent` route's handler (read it with txOf()); null elsewhere. */
    tx: Tx | null;
  }
}
