import type { Config } from '../config.ts';
import type { Db } from '../db/index.ts';
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
  }
  interface FastifyInstance {
    deps: AppDeps;
    /** The authorization engine with its group-commit batcher (one per app). */
    authorizations: AuthorizationService;
  }
  interface FastifyRequest {
    principal: Principal | null;
    operator: boolean;
  }
}
