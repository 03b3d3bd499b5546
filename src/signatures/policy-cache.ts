import type { Queryable } from '../db/index.ts';
import type { Clock } from '../lib/clock.ts';
import * as store from './store.ts';

export type SignaturePolicy = Awaited<ReturnType<typeof store.selectPolicy>>;

/**
 * Why 1 s: as the principal cache (merchants/principals.ts) — a registered or deleted signing key, or a change of
 * `require_signatures`, is seen by another process within a second and by this one at once (forget()); a busy
 * merchant then costs one read a second per process instead of one per mutating request.
 */
export const SIGNATURE_POLICY_CACHE_MS = 1000;
/** Why 10,000: entries live a second; far more merchants than send a mutating request in one second to one process. */
export const SIGNATURE_POLICY_CACHE_MAX = 10_000;

/** Each merchant and mode's signing keys and setting, for at most a second, on the injected clock. */
export class SignaturePolicyCache {
  #entries = new Map<string, { policy: SignaturePolicy; at: number }>();
  /** Bumped by forget(): a read that overlapped a change is used once, not kept. */
  #generation = 0;

  constructor(private readonly db: Queryable, private readonly clock: Clock) {}

  async get(owner: store.Owner): Promise<SignaturePolicy> {
    const key = `${owner.merchantId}:${owner.mode}`;
    const now = this.clock.now().getTime();
    const cached = this.#entries.get(key);
    if (cached && now >= cached.at && now - cached.at < SIGNATURE_POLICY_CACHE_MS) return cached.policy;
    const generation = this.#generation;
    const policy = await store.selectPolicy(this.db, owner);
    if (generation === this.#generation) {
      this.#entries.delete(key);
      this.#entries.set(key, { policy, at: now });
      if (this.#entries.size > SIGNATURE_POLICY_CACHE_MAX) this.#entries.delete(this.#entries.keys().next().value!);
    }
    return policy;
  }

  /** After a change to a merchant's keys or setting has committed (never before: a request between would cache the old). */
  forget(owner: store.Owner): void {
    this.#generation++;
    this.#entries.delete(`${owner.merchantId}:${owner.mode}`);
  }
}
