import type { Db, Queryable, Tx } from '../db/index.ts';
import type { KeyProvider } from '../crypto/index.ts';
import { toJsonNumber } from '../lib/money.ts';
import { expireReservations } from '../funding/index.ts';
import type { Clock } from '../lib/clock.ts';
import { DomainError } from '../lib/errors.ts';
import { claimKey, findStoredAnswers, type IdempotencyClaim } from '../idempotency/index.ts';
import { AUTHORIZATION_LANES_POSTGRES, AuthorizationLanes, type BatchObserver } from './batcher.ts';
import { runBatch, type PreparedAuthorization } from './engine.ts';
import { askMerchant, getDecisionEndpoint, type AskOptions, type DecisionEndpoint } from './realtime.ts';
import { expireAuthorizations } from './lifecycle.ts';
import type { NetworkIds } from '../transactions/index.ts';
import type { AuthorizationRequest, RealtimeVerdict, VerificationFailure } from './types.ts';

export * from './types.ts';
export { decide, checkControls } from './decide.ts';
export { setControls, getControls, windowStarts } from './controls.ts';
export { increment, clear, reverse, reverseTo, forcePost, refund, expireAuthorizations, getAuthorization, findNetworkOriginal } from './lifecycle.ts';
export { presentAuthorization, type Authorization, type PresentedAuthorization } from './store.ts';
export {
  setDecisionEndpoint, getDecisionEndpoint, deleteDecisionEndpoint, standardSignature,
  DECISION_TIMEOUT_MS_DEFAULT, DECISION_TIMEOUT_MS_MAX, fetchDecisionHttp, type DecisionEndpoint, type DecisionHttp,
} from './realtime.ts';
export { AUTHORIZATION_BATCH_MAX, AUTHORIZATION_LANES_POSTGRES, AUTHORIZATION_QUEUE_MAX, AuthorizationLanes, laneOf, type BatchObserver } from './batcher.ts';
export { authorizeBatch, runBatch, batchPrelude, HOLD_TTL_MS, type BatchItem, type ItemOutcome, type PreparedAuthorization } from './engine.ts';
export { decideBatch, spendKey, type BatchSnapshot, type CardSnapshot } from './decide-batch.ts';

/** Why 1 s: endpoint changes take effect within a second, and the hot path skips a query per request. */
export const DECISION_ENDPOINT_CACHE_MS = 1000;

/** How decision requests go out: the transport, Tessera's RFC 9421 signer and the per-send URL check (wired by the app). */
export type AuthorizationServiceOptions = AskOptions & {
  /** Lanes of group commit (default: AUTHORIZATION_LANES_POSTGRES on PostgreSQL, 1 on the embedded database). */
  lanes?: number;
  queueMax?: number;
};

/** What the path reports, for metrics: batches, and each real-time decision. */
export interface AuthorizationObserver extends BatchObserver {
  decided?(outcome: 'approved' | 'declined', reason: string | null): void;
  realtime?(ms: number, source: 'merchant' | 'fallback', failure: string | null): void;
}

export interface SubmitInput {
  owner: PreparedAuthorization['owner'];
  request: AuthorizationRequest;
  /** The merchant's time (its sandbox clock included): spend windows, hold expiry and the ledger use it. */
  now: Date;
  /** The request's Idempotency-Key, scoped like the HTTP layer scopes it (the ISO 8583 link: DE 32 + 11 + 7 + 41). */
  idempotency?: IdempotencyClaim | null;
  /** The ISO 8583 message's ids (STAN, RRN, acquirer, terminal…), kept on the authorization and its transaction. */
  network?: NetworkIds | null;
  /** A check the caller made before submitting that failed (the ISO 8583 link: DE 14, the PIN block): a decline, recorded as any other. */
  verification?: VerificationFailure | null;
}

export interface SubmitResult {
  status: number;
  body: unknown;
  /** The answer is a stored one (the Idempotency-Key was used before). */
  replayed: boolean;
}

/**
 * The one authorization entry point, for the simulator, the facades and the
 * ISO 8583 link. A request with an Idempotency-Key is checked for a stored
 * answer before the merchant's real-time endpoint is asked, so a retry never
 * asks twice; it is then group-committed like any other, its key claimed in
 * the batch's transaction. Everything goes through the lanes.
 */
export class AuthorizationService {
  readonly lanes: AuthorizationLanes;
  /** One entry per merchant and mode that authorizes, so bounded by the merchants; each is refreshed after 1 s. */
  #endpoints = new Map<string, { at: number; endpoint: DecisionEndpoint | null }>();
  /** Bumped by forgetEndpoint(): a read that overlapped a change stores nothing. */
  #endpointGeneration = 0;
  /** Keys being worked on in this process: a twin is refused at once (409), never run. */
  #inFlight = new Set<string>();
  #observer: AuthorizationObserver | null = null;

  constructor(private readonly db: Db, private readonly keys: KeyProvider, private readonly clock: Clock, private readonly options: AuthorizationServiceOptions = {}) {
    const lanes = options.lanes ?? (db.kind === 'pglite' ? 1 : AUTHORIZATION_LANES_POSTGRES);
    this.lanes = new AuthorizationLanes((items) => runBatch(db, items), {
      lanes, queueMax: options.queueMax, observer: { batch: (size, ms, ok) => this.#observer?.batch(size, ms, ok) },
    });
  }

  /** Report batches, decisions and real-time calls (the metrics plugin). */
  observe(observer: AuthorizationObserver): void {
    this.#observer = observer;
  }

  /** Call once a change to the endpoint has committed: the next authorization in this process reads it again. */
  forgetEndpoint(merchantId: string, mode: string): void {
    this.#endpointGeneration++;
    this.#endpoints.delete(`${merchantId}:${mode}`);
  }

  async #endpoint(owner: PreparedAuthorization['owner']): Promise<DecisionEndpoint | null> {
    const key = `${owner.merchantId}:${owner.mode}`;
    const cached = this.#endpoints.get(key);
    const now = this.clock.now().getTime();
    // A clock set back (tests) makes an entry look younger than it is: it is read again.
    const age = cached ? now - cached.at : -1;
    if (cached && age >= 0 && age < DECISION_ENDPOINT_CACHE_MS) return cached.endpoint;
    const generation = this.#endpointGeneration;
    const endpoint = await getDecisionEndpoint(this.db, this.keys, owner);
    // A change that committed while this read ran may not be in it: keep it for this request only.
    if (generation === this.#endpointGeneration) this.#endpoints.set(key, { at: now, endpoint });
    return endpoint;
  }

  async submit(input: SubmitInput): Promise<SubmitResult> {
    const claim = input.idempotency ?? null;
    const flight = claim ? claimKey(claim) : null;
    if (flight !== null) {
      if (this.#inFlight.has(flight)) {
        throw new DomainError('idempotency_key_in_flight', 'A request with this Idempotency-Key is still being processed; retry later.', 'Idempotency-Key');
      }
      this.#inFlight.add(flight);
    }
    try {
      const endpoint = await this.#endpoint(input.owner);
      let realtime: RealtimeVerdict | null = null;
      // A request the caller already declined (verification) is not put to the merchant.
      if (endpoint && !input.verification) {
        // Only a merchant that decides in real time needs this read before the batch: a replay must not ask it again.
        if (claim) {
          const stored = (await findStoredAnswers(this.db, [claim], input.now)).get(claimKey(claim))!;
          if (stored.kind !== 'none') return answerOf(stored);
        }
        realtime = await this.#ask(endpoint, input);
      }
      const outcome = await this.lanes.submit({
        owner: input.owner, request: input.request, realtime, now: input.now, idempotency: claim,
        network: input.network ?? null, verification: input.verification ?? null,
      });
      if (outcome.kind === 'authorized') {
        const a = outcome.authorization;
        this.#observer?.decided?.(a.status === 'declined' ? 'declined' : 'approved', a.decline_reason);
        return { status: 200, body: a, replayed: false };
      }
      return answerOf(outcome);
    } finally {
      if (flight !== null) this.#inFlight.delete(flight);
    }
  }

  async #ask(endpoint: DecisionEndpoint, input: SubmitInput): Promise<RealtimeVerdict> {
    const { request } = input;
    const started = performance.now();
    const verdict = await askMerchant(endpoint, {
      card_id: request.cardId, amount: toJsonNumber(request.amount), currency: request.currency, merchant: request.merchant,
      partial_allowed: request.partialAllowed,
    }, input.now, this.options);
    this.#observer?.realtime?.(performance.now() - started, verdict.source, verdict.failure ?? null);
    return verdict;
  }

  /** Resolves once nothing is queued or committing. */
  idle(): Promise<void> {
    return this.lanes.idle();
  }
}

function answerOf(a: { kind: 'replay'; status: number; body: unknown } | { kind: 'reused' }): SubmitResult {
  if (a.kind === 'reused') {
    throw new DomainError('idempotency_key_reused', 'This Idempotency-Key was used with a different request; use a new key.', 'Idempotency-Key');
  }
  return { status: a.status, body: a.body, replayed: true };
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

/** A merchant's sandbox clock: its sandbox time is the real time plus this many milliseconds (live time is real time). */
export async function sandboxClockOffsetMs(q: Queryable, merchantId: string): Promise<number> {
  const { rows } = await q.query<{ offset: bigint }>('SELECT sandbox_clock_offset_ms AS offset FROM merchants WHERE id = $1', [merchantId]);
  return Number(rows[0]?.offset ?? 0n);
}

/** The job: expire due reservations and holds of every merchant at the real time. */
export async function runExpiries(tx: Tx, now: Date) {
  return { reservations: (await expireReservations(tx, now)).length, authorizations: await expireAuthorizations(tx, now) };
}
