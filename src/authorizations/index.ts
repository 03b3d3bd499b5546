import type { Db, Tx } from '../db/index.ts';
import type { KeyProvider } from '../crypto/index.ts';
import { toJsonNumber } from '../lib/money.ts';
import { expireReservations } from '../funding/index.ts';
import { AuthorizationBatcher } from './batcher.ts';
import { authorizeBatch, type PreparedAuthorization } from './engine.ts';
import { askMerchant, getDecisionEndpoint, type AskOptions, type DecisionEndpoint } from './realtime.ts';
import { expireAuthorizations } from './lifecycle.ts';
import type { PresentedAuthorization } from './store.ts';
import type { AuthorizationRequest } from './types.ts';

export * from './types.ts';
export { decide, checkControls } from './decide.ts';
export { setControls, getControls, windowStarts } from './controls.ts';
export { increment, clear, reverse, forcePost, refund, expireAuthorizations, getAuthorization } from './lifecycle.ts';
export { presentAuthorization, type Authorization, type PresentedAuthorization } from './store.ts';
export {
  setDecisionEndpoint, getDecisionEndpoint, deleteDecisionEndpoint, standardSignature,
  DECISION_TIMEOUT_MS_DEFAULT, DECISION_TIMEOUT_MS_MAX, fetchDecisionHttp, type DecisionEndpoint, type DecisionHttp,
} from './realtime.ts';
export { AUTHORIZATION_BATCH_MAX, AuthorizationBatcher } from './batcher.ts';
export { authorizeBatch, HOLD_TTL_MS, type PreparedAuthorization } from './engine.ts';

/** Why 1 s: endpoint changes take effect within a second, and the hot path skips a query per request. */
const ENDPOINT_CACHE_MS = 1000;

/** How decision requests go out: the transport, Tessera's RFC 9421 signer and the per-send URL check (wired by the app). */
export type AuthorizationServiceOptions = AskOptions;

/**
 * The authorization entry point used by the simulator, the facades and (later)
 * an ISO 8583 link: ask the merchant's real-time endpoint if it has one
 * (outside any transaction), then decide and apply through the group-commit
 * batcher.
 */
export class AuthorizationService {
  readonly batcher: AuthorizationBatcher;
  #endpoints = new Map<string, { at: number; endpoint: DecisionEndpoint | null }>();

  constructor(private readonly db: Db, private readonly keys: KeyProvider, private readonly options: AuthorizationServiceOptions = {}) {
    this.batcher = new AuthorizationBatcher(db);
  }

  forgetEndpoint(merchantId: string, mode: string): void {
    this.#endpoints.delete(`${merchantId}:${mode}`);
  }

  async #endpoint(owner: PreparedAuthorization['owner']): Promise<DecisionEndpoint | null> {
    const key = `${owner.merchantId}:${owner.mode}`;
    const cached = this.#endpoints.get(key);
    if (cached && Date.now() - cached.at < ENDPOINT_CACHE_MS) return cached.endpoint;
    const endpoint = await getDecisionEndpoint(this.db, this.keys, owner);
    this.#endpoints.set(key, { at: Date.now(), endpoint });
    return endpoint;
  }

  async prepare(owner: PreparedAuthorization['owner'], request: AuthorizationRequest, now: Date): Promise<PreparedAuthorization> {
    const endpoint = await this.#endpoint(owner);
    const realtime = endpoint
      ? await askMerchant(endpoint, {
        card_id: request.cardId, amount: toJsonNumber(request.amount), currency: request.currency, merchant: request.merchant,
        partial_allowed: request.partialAllowed,
      }, now, this.options)
      : null;
    return { owner, request, realtime, now };
  }

  /** Through the batcher: concurrent requests share one transaction. */
  async authorize(owner: PreparedAuthorization['owner'], request: AuthorizationRequest, now: Date): Promise<PresentedAuthorization> {
    return this.batcher.submit(await this.prepare(owner, request, now));
  }

  /** Inside the caller's transaction (a request with an Idempotency-Key claims it in the same transaction). */
  async authorizeIn(tx: Tx, prepared: PreparedAuthorization): Promise<PresentedAuthorization> {
    return (await authorizeBatch(tx, [prepared]))[0]!;
  }
}

/** Sandbox test clock: move a merchant's sandbox time forward, then run its expiry jobs at that time. */
export async function advanceClock(tx: Tx, merchantId: string, seconds: number, realNow: Date) {
  const { rows } = await tx.query<{ offset: bigint }>(
    'UPDATE merchants SET sandbox_clock_offset_ms = sandbox_clock_offset_ms + $2 WHERE id = $1 RETURNING sandbox_clock_offset_ms AS offset',
    [merchantId, seconds * 1000]);
  const now = new Date(realNow.getTime() + Number(rows[0]!.offset));
  const reservations = await expireReservations(tx, now, merchantId);
  const authorizations = await expireAuthorizations(tx, now, merchantId);
  return { now, expired: { reservations: reservations.length, authorizations } };
}

/** The job: expire due reservations and holds of every merchant at the real time. */
export async function runExpiries(tx: Tx, now: Date) {
  return { reservations: (await expireReservations(tx, now)).length, authorizations: await expireAuthorizations(tx, now) };
}
