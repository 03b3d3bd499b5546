import type { Queryable } from '../db/index.ts';
import type { Clock } from '../lib/clock.ts';
import { authenticate, authenticateToken } from './authenticate.ts';
import { hashSecret } from './keys.ts';
import type { Principal } from './types.ts';

/**
 * Why 1 s: the longest that a change to what a credential may do (a revoked key, live access, a sandbox clock move)
 * goes unseen by another server process on the same database, which is as long as an operator can be asked to wait;
 * the process that made the change forgets at once (forget()). A busy key then costs one read a second per process
 * instead of one per request.
 */
export const PRINCIPAL_CACHE_MS = 1000;
/**
 * Why 10,000: an entry lives at most 1 s, so the cache holds the credentials used in the last second, far fewer than
 * this on one process; at under half a kilobyte each, it stays under 5 MB. When full, the oldest entry goes first.
 */
export const PRINCIPAL_CACHE_MAX = 10_000;

interface Entry {
  principal: Principal;
  /** The clock's time when the lookup began: the row read is at least this recent. */
  at: number;
  /** Not used from this time on: at + PRINCIPAL_CACHE_MS, or a token's expiry if sooner. */
  until: number;
}

export interface PrincipalCacheStats {
  hits: number;
  misses: number;
  size: number;
}

/**
 * Principals by credential, for at most PRINCIPAL_CACHE_MS, so that an authenticated request does not read the
 * database. Keyed by the SHA-256 of the API key or token (the hash the key store already keeps), never by the
 * credential itself. Time is the injected clock's.
 *
 * Only successful lookups are kept. A flood of made-up credentials would miss anyway (each one is new), and keeping
 * them would push valid principals out of the bounded cache; a failure costs one indexed read, as every request did
 * before, and the per-address limit on failed authentications answers a flood with 429.
 */
export class PrincipalCache {
  #entries = new Map<string, Entry>();
  /**
   * Bumped by every forget(): a lookup that was reading while a change committed may have read the old row, so it
   * stores nothing if a forget happened meanwhile.
   */
  #generation = 0;
  #hits = 0;
  #misses = 0;

  readonly #max: number;

  constructor(
    private readonly db: Queryable, private readonly clock: Clock, private readonly tokenSecret: Uint8Array,
    options: { max?: number } = {},
  ) {
    this.#max = options.max ?? PRINCIPAL_CACHE_MAX;
  }

  /** The principal of an API key (`sk_…`); a DomainError when it does not authenticate. */
  apiKey(secret: string): Promise<Principal> {
    return this.#through(`key:${hashSecret(secret).toString('hex')}`, async () =>
      ({ principal: await authenticate(this.db, { secret }), expiresAt: null }));
  }

  /** The principal of a token's key, kept no longer than the token is valid; a DomainError when it does not authenticate. */
  token(token: string): Promise<Principal> {
    return this.#through(`token:${hashSecret(token).toString('hex')}`, (now) => authenticateToken(this.db, token, this.tokenSecret, now));
  }

  /**
   * Drop every cached principal of a merchant, at once: call it after a change to what its credentials may do has
   * committed (never before: a request in between would cache the old row again).
   */
  forget(merchantId: string): void {
    this.#generation++;
    for (const [key, entry] of this.#entries) {
      if (entry.principal.merchantId === merchantId) this.#entries.delete(key);
    }
  }

  stats(): PrincipalCacheStats {
    return { hits: this.#hits, misses: this.#misses, size: this.#entries.size };
  }

  async #through(key: string, load: (now: Date) => Promise<{ principal: Principal; expiresAt: Date | null }>): Promise<Principal> {
    const now = this.clock.now();
    const at = now.getTime();
    const cached = this.#entries.get(key);
    // A clock set back (tests) makes an entry look younger than it is: it is read again.
    if (cached && at >= cached.at && at < cached.until) {
      this.#hits++;
      return cached.principal;
    }
    if (cached) this.#entries.delete(key);
    this.#misses++;
    const generation = this.#generation;
    const { principal, expiresAt } = await load(now);
    const frozen = Object.freeze({ ...principal, scopes: Object.freeze([...principal.scopes]) });
    if (generation === this.#generation) {
      const until = Math.min(at + PRINCIPAL_CACHE_MS, expiresAt?.getTime() ?? Infinity);
      this.#entries.delete(key);
      this.#entries.set(key, { principal: frozen, at, until });
      // Maps iterate in insertion order: the first key is the oldest entry.
      if (this.#entries.size > this.#max) this.#entries.delete(this.#entries.keys().next().value!);
    }
    return frozen;
  }
}
