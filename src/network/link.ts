import { Statement, isConnectionError, type Db, type Tx } from '../db/index.ts';
import { DomainError } from '../lib/errors.ts';
import type { Clock } from '../lib/clock.ts';
import { KeyConfigError, type KeyProvider } from '../crypto/index.ts';
import { findCardByFingerprint, verifyPinBlock } from '../cards/index.ts';
import {
  clear, findNetworkOriginal, forcePost, getAuthorization, refund, reverse, reverseTo, sandboxClockOffsetMs,
  type AuthorizationService, type VerificationFailure,
} from '../authorizations/index.ts';
import { findNetworkTransaction } from '../transactions/index.ts';
import { claimKey, findStoredAnswers, idempotencyLockId, storeAnswersSql, type IdempotencyClaim } from '../idempotency/index.ts';
import type { Message } from './codec.ts';
import {
  RESPONSE_CODES, authorizationCode, declineCode, expiryOf, messageFingerprint, parseRequest, respond, type CardRequest, type ResponseCode,
} from './mapping.ts';

/**
 * The network link's request pipeline (docs/iso8583.md), one message at a
 * time; the listener frames, times and logs. For a card message:
 *   1. parse and check the fields (30, 12, 13, 14 without touching the database)
 *   2. find the card by its PAN's keyed fingerprint, in the link's mode (14)
 *   3. the link's idempotency key (DE 32 + 11 + 7 + 41) as a claim in the
 *      merchant's scope; a twin still running in this process answers 94
 *   4. by class: 0100/0200 through `authorizations.submit` (the batch claims
 *      the key), after DE 14 and the PIN block were checked; everything else
 *      in one transaction that claims the key, acts through the lifecycle
 *      functions, and stores the answer
 * Nothing here throws to the listener: every failure is a response code.
 */

/** Set by the listener when the time budget is over and it answered 91 itself. */
export interface Budget {
  expired: boolean;
}

export interface LinkAnswer {
  response: Message;
  code: ResponseCode;
  /** Why, for the log (never sent). */
  reason: string | null;
  replayed: boolean;
}

export interface LinkLog {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface LinkDeps {
  db: Db;
  keys: KeyProvider;
  clock: Clock;
  authorizations: AuthorizationService;
  mode: 'live' | 'sandbox';
  log: LinkLog;
}

/** What the link stores as the answer of a message it handled itself (0120, 0220, 0400, 0420, refunds). */
interface StoredAnswer {
  object: 'iso8583_answer';
  response_code: ResponseCode;
  authorization_id: string | null;
  transaction_id: string | null;
}

const stored = (code: ResponseCode, authorizationId: string | null = null, transactionId: string | null = null): StoredAnswer =>
  ({ object: 'iso8583_answer', response_code: code, authorization_id: authorizationId, transaction_id: transactionId });

/** The response code and authorization of a stored or fresh answer: an authorization as the batch presents it, or the link's own. */
function readAnswer(body: unknown): { code: ResponseCode; authorizationId: string | null } {
  const b = body as { object?: string; id?: string; response_code?: string; decline_reason?: string | null; authorization_id?: string | null };
  if (b.object === 'authorization') return { code: declineCode(b.decline_reason ?? null, b.response_code ?? '96'), authorizationId: b.id ?? null };
  const code = (b.response_code && b.response_code in RESPONSE_CODES ? b.response_code : '96') as ResponseCode;
  return { code, authorizationId: b.authorization_id ?? null };
}

const approved = (code: ResponseCode) => code === '00' || code === '10';

/** Why 100,000: a card's identity by PAN fingerprint is about 300 bytes; this bounds the cache near 30 MB. */
const CARD_CACHE_MAX = 100_000;
/** Why 1 s: a sandbox merchant's moved test clock takes effect within a second, as for API keys. */
const CLOCK_CACHE_MS = 1000;

/** What the link needs of a card, none of which ever changes for a card: cached by PAN fingerprint. */
interface CardIdentity {
  id: string;
  merchantId: string;
  expYear: number;
  expMonth: number;
  currency: string;
}

/**
 * A business refusal raised inside a lifecycle function: the work rolled back,
 * and this code is the message's answer (stored, so a retransmission gets it).
 */
function refusalCode(err: unknown): ResponseCode | null {
  if (!(err instanceof DomainError)) return null;
  switch (err.code) {
    case 'resource_not_found': return '25';
    case 'conflict': case 'invalid_card_status': return '12';
    case 'clearing_exceeds_tolerance': case 'parameter_invalid': return '13';
    case 'insufficient_funds': return '51';
    default: return null;
  }
}

/** The code of a failure that is not the message's fault: answered, never stored. */
function failureCode(err: unknown): ResponseCode {
  if (isConnectionError(err)) return '91';
  if (err instanceof DomainError) {
    if (err.code === 'idempotency_key_in_flight' || err.code === 'idempotency_key_reused') return '94';
    if (err.code === 'service_unavailable') return '91';
    return refusalCode(err) ?? '96';
  }
  return '96';
}

export class NetworkLink {
  readonly #cards = new Map<string, CardIdentity>();
  readonly #clocks = new Map<string, { at: number; offsetMs: number }>();
  /** Keys being worked on in this process: a retransmission that overtakes its original answers 94 at once. */
  readonly #inFlight = new Set<string>();

  constructor(private readonly deps: LinkDeps) {}

  /** Messages being worked on (for a clean shutdown). */
  get inFlight(): number {
    return this.#inFlight.size;
  }

  async handle(message: Message, budget: Budget): Promise<LinkAnswer> {
    const answer = (code: ResponseCode, reason: string | null = null, authCode: string | null = null, replayed = false): LinkAnswer =>
      ({ response: respond(message, code, authCode), code, reason, replayed });
    const parsed = parseRequest(message);
    if (!parsed.ok) return answer(parsed.code, parsed.reason);
    const req = parsed.request;
    if (req.kind === 'network') {
      return ['001', '002', '301'].includes(req.code) ? answer('00') : answer('12', `network management code ${req.code} is not served`);
    }
    let flight: string | null = null;
    try {
      const fingerprint = await this.deps.keys.fingerprint(req.pan);
      const card = await this.#card(fingerprint);
      if (!card) return answer('14', `no ${this.deps.mode} card has this number`);
      const owner = { merchantId: card.merchantId, mode: this.deps.mode };
      const now = new Date(this.deps.clock.now().getTime() + await this.#clockOffset(card.merchantId));
      const claim: IdempotencyClaim = {
        scope: `${owner.merchantId}:${owner.mode}`, method: 'ISO8583', path: req.cls, key: req.key, fingerprint: messageFingerprint(message, fingerprint),
      };
      flight = claimKey(claim);
      if (this.#inFlight.has(flight)) {
        flight = null;
        return answer('94', 'the same message is still being worked on');
      }
      this.#inFlight.add(flight);
      const ctx: Context = { req, card, owner, now, claim, budget };
      const result = req.cls === '0100' || (req.cls === '0200' && req.transactionType !== 'refund')
        ? await this.#authorize(ctx)
        : await this.#claimed(ctx, (tx) => this.#lifecycle(tx, ctx));
      return answer(result.code, result.reason, result.authorizationId === null ? null : authorizationCode(result.authorizationId), result.replayed);
    } catch (err) {
      const code = failureCode(err);
      if (err instanceof KeyConfigError) this.deps.log.error({ err }, 'iso8583: key configuration error');
      else if (code === '96') this.deps.log.error({ err }, 'iso8583: unexpected error');
      return answer(code, err instanceof Error ? err.message : String(err));
    } finally {
      if (flight !== null) this.#inFlight.delete(flight);
    }
  }

  async #card(fingerprint: string): Promise<CardIdentity | null> {
    const cached = this.#cards.get(fingerprint);
    if (cached) return cached;
    const card = await findCardByFingerprint(this.deps.db, fingerprint, this.deps.mode);
    if (!card) return null;
    const identity = { id: card.id, merchantId: card.merchantId, expYear: card.expYear, expMonth: card.expMonth, currency: card.currency };
    if (this.#cards.size >= CARD_CACHE_MAX) this.#cards.delete(this.#cards.keys().next().value!);
    this.#cards.set(fingerprint, identity);
    return identity;
  }

  async #clockOffset(merchantId: string): Promise<number> {
    if (this.deps.mode === 'live') return 0;
    const at = this.deps.clock.now().getTime();
    const cached = this.#clocks.get(merchantId);
    if (cached && at - cached.at >= 0 && at - cached.at < CLOCK_CACHE_MS) return cached.offsetMs;
    const offsetMs = await sandboxClockOffsetMs(this.deps.db, merchantId);
    if (this.#clocks.size >= CARD_CACHE_MAX) this.#clocks.clear();
    this.#clocks.set(merchantId, { at, offsetMs });
    return offsetMs;
  }

  /**
   * 0100 and 0200 (purchase, cash): the authorization path, with the checks
   * only the link can make (DE 14, the PIN block) passed in as its verdict.
   * A 0200 then clears in full. An approval the listener could no longer
   * answer in time (it said 91) is withdrawn, so the ledger agrees with what
   * the network was told.
   */
  async #authorize(ctx: Context): Promise<Result> {
    const { req, card, owner, now, claim } = ctx;
    let verification: VerificationFailure | null = null;
    if (req.expiry !== null && req.expiry !== expiryOf(card)) {
      verification = 'expiry_mismatch';
    } else if (req.pinBlock !== null) {
      // A retransmission must not count a PIN try twice: its stored answer first.
      const prior = (await findStoredAnswers(this.deps.db, [claim], now)).get(claimKey(claim))!;
      if (prior.kind === 'reused') return { code: '94', reason: 'the key was used by another message', authorizationId: null, replayed: true };
      if (prior.kind === 'replay') return this.#settle(ctx, prior.body, true);
      verification = await this.#verifyPin(card.id, req.pinBlock, now);
    }
    const result = await this.deps.authorizations.submit({
      owner, now, idempotency: claim, network: req.ids, verification,
      request: { cardId: card.id, amount: req.amount, currency: req.currency, merchant: req.merchant, partialAllowed: false },
    });
    return this.#settle(ctx, result.body, result.replayed);
  }

  /** After the decision: clear a 0200, or withdraw an approval that came too late. */
  async #settle(ctx: Context, body: unknown, replayed: boolean): Promise<Result> {
    const { code, authorizationId } = readAnswer(body);
    const reason = (body as { decline_reason?: string | null }).decline_reason ?? null;
    if (!approved(code) || authorizationId === null) return { code, reason, authorizationId: null, replayed };
    const late = async (): Promise<Result> => {
      await this.#withdraw(ctx, authorizationId);
      return { code: '91', reason: 'approved after the time budget: withdrawn', authorizationId: null, replayed };
    };
    // Before a 0200 posts, so that a withdrawal releases the hold (fee included) rather than refunding a posting.
    if (ctx.budget.expired && !replayed) return late();
    if (ctx.req.cls === '0200') {
      // Also on a replay: a crash between the approval and its clearing is finished by the retransmission.
      await this.deps.db.transaction(async (tx) => {
        const auth = await getAuthorization(tx, ctx.owner, authorizationId);
        if (auth.status === 'pending') await clear(tx, ctx.owner, authorizationId, auth.merchantAmount, ctx.now, ctx.req.ids);
      });
    }
    if (ctx.budget.expired && !replayed) return late();
    return { code, reason, authorizationId, replayed };
  }

  /** The listener answered 91: release the hold (or give back a posted 0200) and make 91 the key's answer. */
  async #withdraw(ctx: Context, authorizationId: string): Promise<void> {
    const { owner, now, claim, req } = ctx;
    await this.deps.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [idempotencyLockId(claim)]);
      const auth = await getAuthorization(tx, owner, authorizationId);
      if (auth.status === 'pending') await reverse(tx, owner, auth.id, null, now, req.ids);
      else if (auth.status === 'closed' && auth.clearedAmount > auth.refundedAmount) {
        await refund(tx, owner, ctx.card.id, auth.clearedAmount - auth.refundedAmount, auth.id, now, req.ids);
      }
      await store(tx, claim, stored('91', auth.id), now);
    });
    this.deps.log.warn({ authorization: authorizationId }, 'iso8583: approved after the time budget (answered 91); the approval was withdrawn');
  }

  async #verifyPin(cardId: string, pinBlock: Buffer, now: Date): Promise<VerificationFailure | null> {
    const result = await this.deps.db.transaction((tx) => verifyPinBlock(tx, this.deps.keys, cardId, pinBlock, now));
    switch (result) {
      case 'ok': return null;
      case 'blocked': return 'pin_tries_exceeded';
      case 'wrong': case 'not_set': return 'incorrect_pin';
      case 'unreadable':
        this.deps.log.warn({ card: cardId }, 'iso8583: a PIN block did not decode under the zone PIN key (is TESSERA_ISO8583_ZPK the acquirer\'s?); no try counted');
        return 'incorrect_pin';
    }
  }

  /**
   * A message the link acts on itself, in one transaction that claims its key:
   * a stored answer is replayed, else the work runs and its answer is stored.
   * A refusal raised by a lifecycle function rolls the work back and is
   * stored as the answer in a transaction of its own.
   */
  async #claimed(ctx: Context, work: (tx: Tx) => Promise<StoredAnswer>): Promise<Result> {
    const { claim, now } = ctx;
    const run = (act: (tx: Tx) => Promise<StoredAnswer>) => this.deps.db.transaction(async (tx): Promise<Result> => {
      await tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [idempotencyLockId(claim)]);
      const prior = (await findStoredAnswers(tx, [claim], now)).get(claimKey(claim))!;
      if (prior.kind === 'replay') return { ...readAnswer(prior.body), reason: null, replayed: true };
      if (prior.kind === 'reused') return { code: '94', reason: 'the key was used by another message', authorizationId: null, replayed: true };
      const body = await act(tx);
      await store(tx, claim, body, now);
      return { code: body.response_code, reason: null, authorizationId: body.authorization_id, replayed: false };
    });
    try {
      return await run(work);
    } catch (err) {
      const code = refusalCode(err);
      if (code === null) throw err;
      const result = await run(async () => stored(code));
      return { ...result, reason: err instanceof Error ? err.message : null };
    }
  }

  /** 0120, 0220, 0400, 0420 and refunds, inside #claimed's transaction. */
  async #lifecycle(tx: Tx, ctx: Context): Promise<StoredAnswer> {
    const { req, card, owner, now } = ctx;
    if (req.cls === '0200') {
      // A refund (processing code 20): settlement → card, no authorization.
      if (req.currency !== card.currency) return stored('57');
      const t = await refund(tx, owner, card.id, req.amount, null, now, req.ids, req.merchant);
      return stored('00', null, t.id);
    }
    if (req.cls === '0120') {
      // A stand-in approval by the network: it cannot be declined, so it posts at once as a force post
      // (what the card lacks, the merchant's wallet covers).
      if (req.currency !== card.currency) return stored('12');
      const t = await forcePost(tx, owner, card.id, req.amount, req.merchant, now, req.ids);
      return stored('00', null, t.id);
    }
    const original = req.original!;
    if (original.mti === '0120') {
      const advice = await findNetworkTransaction(tx, owner, card.id, original, ['force_post']);
      if (!advice) return stored('25');
      // An advice posted in full: its completion changes nothing, and it cannot be reversed (a refund gives money back).
      return req.cls === '0220' ? stored('00', null, advice.id) : stored('12');
    }
    const auth = await findNetworkOriginal(tx, owner, card.id, original);
    if (!auth) return stored('25');
    if (req.cls === '0220') {
      if (req.currency !== auth.merchantCurrency) return stored('12');
      switch (auth.status) {
        case 'pending': return stored('00', auth.id, (await clear(tx, owner, auth.id, req.amount, now, req.ids)).transaction.id);
        case 'closed': return stored('00', auth.id);
        case 'expired': {
          // The hold was released before the completion came: it posts as a clearing with no authorization.
          if (auth.fxRate !== null) return stored('12');
          return stored('00', auth.id, (await forcePost(tx, owner, card.id, req.amount, auth.merchant, now, req.ids)).id);
        }
        default: return stored('12');
      }
    }
    // 0400, 0420: a reversal, in full or (DE 95) to the actual amount.
    const actual = req.actualAmount !== null && req.actualAmount > 0n ? req.actualAmount : null;
    if (auth.status === 'pending') {
      const r = actual === null ? await reverse(tx, owner, auth.id, null, now, req.ids) : await reverseTo(tx, owner, auth.id, actual, now, req.ids);
      return stored('00', auth.id, r?.transaction.id ?? null);
    }
    if (auth.status === 'closed') {
      // Posted already (a 0200, or a completed 0100): the reversal gives the money back, once.
      if (actual !== null && auth.fxRate !== null) return stored('12');
      const keep = actual === null ? 0n : actual < auth.clearedAmount ? actual : auth.clearedAmount;
      const due = auth.clearedAmount - keep - auth.refundedAmount;
      if (due <= 0n) return stored('00', auth.id);
      return stored('00', auth.id, (await refund(tx, owner, card.id, due, auth.id, now, req.ids)).id);
    }
    // Reversed, expired or declined: nothing is held any more, and a second reversal changes nothing.
    return stored('00', auth.id);
  }
}

interface Context {
  req: CardRequest;
  card: CardIdentity;
  owner: { merchantId: string; mode: 'live' | 'sandbox' };
  now: Date;
  claim: IdempotencyClaim;
  budget: Budget;
}

interface Result {
  code: ResponseCode;
  reason: string | null;
  authorizationId: string | null;
  replayed: boolean;
}

async function store(tx: Tx, claim: IdempotencyClaim, body: unknown, at: Date): Promise<void> {
  const s = new Statement();
  await tx.query(storeAnswersSql(s, [{ claim, status: 200, body, at }]), s.params);
}
