import crypto from 'node:crypto';
import sjson from 'secure-json-parse';
import type { Db, Tx } from '../../db/index.ts';
import type { KeyProvider } from '../../crypto/index.ts';
import type { Clock } from '../../lib/clock.ts';
import { DomainError } from '../../lib/errors.ts';
import { canonicalJson } from '../../lib/canonical-json.ts';
import { findNul } from '../../lib/json-walk.ts';
import { JSON_DEPTH_MAX, scanJsonText, type NumberTexts } from '../../lib/json-guard.ts';
import { authenticate, type Principal } from '../../merchants/index.ts';
import type { CustomerPolicy } from '../../customers/index.ts';
import {
  KAZEPAY_VERSION, openPayload, requestSigningString, responseSigningString, sealPayload, signText, verifyText,
  type Envelope, type RequestHead, type ResponseHead,
} from './envelope.ts';
import { findGateway, gatewayPrivateKey, type Gateway } from './gateways.ts';
import { API, type GatewayContext, type Outcome, type Result } from './api.ts';
import { API_CODES, checkFields, kazeMessage, kazeParam, type ApiCode } from './fields.ts';
import * as store from './store.ts';

/**
 * The gateway's pipeline for one envelope:
 *   1. shape → 2. sysId → 3. signature → 4. decryption: any failure here is the
 *      same unsigned VERIFY_FAILED answer (HTTP 401), counted against the client
 *      address (429 past its limit) and audited with its reason (deps.refused);
 *   5. from then on the merchant is authenticated and every answer is signed and
 *      encrypted for its key: version, payload, apiCode, scope, the key's reveal
 *      limit (queryCard) and fields are checked (FAILED answers, not stored), then
 *   6. the requestNo is claimed in the same transaction as the module calls, and
 *      the answer stored with it: a repeat replays it byte for byte, a repeat
 *      with another payload is refused, and a requestNo never acts twice.
 */

/** Why 24 hours: SPEC §7 keeps idempotency keys at least that long. The requestNo itself is kept forever. */
export const RESPONSE_RETENTION_MS = 24 * 60 * 60 * 1000;
/** Why 100: stored responses are cleared a few at a time, inside requests, so no request pays for a backlog. */
const PRUNE_BATCH_MAX = 100;

export const HEAD_PATTERNS = {
  apiCode: /^[A-Za-z][A-Za-z0-9]{0,39}$/,
  sysId: /^[A-Za-z0-9_-]{1,64}$/,
  requestNo: /^[A-Za-z0-9_-]{1,64}$/,
  version: /^\d{1,3}(\.\d{1,3}){0,2}$/,
  /** hex of up to an 8192-bit RSA value. */
  sign: /^[0-9a-fA-F]{2,2048}$/,
  keyEnc: /^[0-9a-fA-F]{2,2048}$/,
} as const;

export const VERIFY_FAILED = { code: 'VERIFY_FAILED', detail: 'The request could not be verified.' } as const;

export interface GatewayDeps {
  db: Db;
  keys: KeyProvider;
  clock: Clock;
  policy: CustomerPolicy;
  /** False when the key has revealed too many cards this minute, here and on the other surfaces (http/plugins/rate-limit.ts). */
  takeReveal: (keyId: string) => Promise<boolean>;
  /** An envelope that cannot be verified: counted against the client address (throws rate_limited past the limit), then audited. */
  refused: (refusal: Refusal) => Promise<void>;
}

/** What is said of an unverifiable envelope: the reason, and the head fields that are well-formed. */
export interface Refusal {
  reason: string;
  sysId: string | null;
  apiCode: string | null;
}

export type GatewayAnswer = { status: number; envelope: Envelope<ResponseHead>; replayed: boolean };

type Parsed = { head: RequestHead; encrypt: string };

/** The head fields that are well-formed, for echoing in an unsigned answer ("" otherwise). */
function echo(raw: unknown): Pick<RequestHead, 'apiCode' | 'sysId' | 'requestNo' | 'version'> {
  const h = (raw as { head?: Record<string, unknown> } | null)?.head;
  const pick = (k: 'apiCode' | 'sysId' | 'requestNo' | 'version') => {
    const v = h && typeof h === 'object' ? h[k] : undefined;
    return typeof v === 'string' && HEAD_PATTERNS[k].test(v) ? v : '';
  };
  return { apiCode: pick('apiCode'), sysId: pick('sysId'), requestNo: pick('requestNo'), version: pick('version') };
}

/** An unsigned answer: the same for every envelope failure, whatever the check that failed. */
export function unsignedAnswer(raw: unknown, status: number, code: string, detail: string): GatewayAnswer {
  return { status, replayed: false, envelope: { head: { ...echo(raw), code, detail, sign: '', keyEnc: '' }, body: { encrypt: '' } } };
}

function parseEnvelope(raw: unknown): Parsed | null {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return null;
  const { head, body } = raw as { head?: unknown; body?: unknown };
  if (!head || typeof head !== 'object' || !body || typeof body !== 'object') return null;
  const h = head as Record<string, unknown>;
  for (const k of Object.keys(HEAD_PATTERNS) as (keyof typeof HEAD_PATTERNS)[]) {
    const v = h[k];
    if (typeof v !== 'string' || !HEAD_PATTERNS[k].test(v)) return null;
  }
  const encrypt = (body as Record<string, unknown>).encrypt;
  if (typeof encrypt !== 'string' || encrypt.length === 0) return null;
  return { head: h as unknown as RequestHead, encrypt };
}

class Refused extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** Verify, decrypt and answer one envelope. Throws only for bugs. */
export async function handleEnvelope(deps: GatewayDeps, raw: unknown, origin: string): Promise<GatewayAnswer> {
  let verified: { parsed: Parsed; gateway: Gateway; privateKey: crypto.KeyObject; plain: Buffer };
  try {
    verified = await verify(deps, raw);
  } catch (err) {
    if (!(err instanceof Refused)) throw err;
    const e = echo(raw);
    await deps.refused({ reason: err.reason, sysId: e.sysId || null, apiCode: e.apiCode || null });
    return unsignedAnswer(raw, 401, VERIFY_FAILED.code, VERIFY_FAILED.detail);
  }
  const { parsed, gateway, privateKey, plain } = verified;
  const answer = (result: Result | DomainError) => signedAnswer(parsed.head, gateway, privateKey, result);
  try {
    return await answerVerified(deps, parsed, gateway, plain, answer, origin);
  } catch (err) {
    if (err instanceof DomainError) return { status: 200, replayed: false, envelope: answer(err) };
    throw err;
  }
}

async function verify(deps: GatewayDeps, raw: unknown) {
  const parsed = parseEnvelope(raw);
  if (!parsed) throw new Refused('malformed_envelope');
  const gateway = await findGateway(deps.db, parsed.head.sysId);
  if (!gateway) throw new Refused('unknown_sys_id');
  if (!verifyText(requestSigningString(parsed.head, parsed.encrypt), parsed.head.sign, gateway.merchantPublicKeyPem)) {
    throw new Refused('bad_signature');
  }
  const privateKey = await gatewayPrivateKey(deps.keys, gateway);
  const plain = openPayload(parsed.head.keyEnc, parsed.encrypt, privateKey);
  if (plain === null) throw new Refused('undecryptable');
  return { parsed, gateway, privateKey, plain };
}

/** Signed and encrypted for the merchant: a result (SUCCESS) or a DomainError (FAILED, with KazePay field names). */
function signedAnswer(req: RequestHead, gateway: Gateway, privateKey: crypto.KeyObject, outcome: Result | DomainError): Envelope<ResponseHead> {
  const failed = outcome instanceof DomainError;
  const result = failed
    ? { encrypt: 'FAILED', code: outcome.code, message: kazeMessage(outcome.message), param: kazeParam(outcome.param) }
    : outcome;
  const { keyEnc, encrypt } = sealPayload(result, gateway.merchantPublicKeyPem);
  // `|` separates the canonical fields; the detail is free text, so it never carries one.
  const detail = failed ? (result as { message: string }).message.replace(/\|/g, '/') : 'SUCCESS';
  const unsigned = { apiCode: req.apiCode, sysId: req.sysId, requestNo: req.requestNo, version: req.version, code: failed ? 'FAILED' : 'SUCCESS', detail, keyEnc };
  return { head: { ...unsigned, sign: signText(responseSigningString(unsigned, encrypt), privateKey) }, body: { encrypt } };
}

async function answerVerified(
  deps: GatewayDeps, parsed: Parsed, gateway: Gateway, plain: Buffer,
  answer: (r: Result | DomainError) => Envelope<ResponseHead>, origin: string,
): Promise<GatewayAnswer> {
  const { head } = parsed;
  if (head.version !== KAZEPAY_VERSION) throw new DomainError('parameter_invalid', `Unsupported version ${head.version}; send "${KAZEPAY_VERSION}".`, 'version');
  let principal: Principal;
  try {
    principal = await authenticate(deps.db, { keyId: gateway.apiKeyId });
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    // The merchant's own state is said as it is; anything else about the key means it no longer works.
    if (err.code === 'live_access_required' || err.code === 'merchant_suspended') throw err;
    throw new DomainError('api_key_revoked',
      'The API key that registered this gateway key has been revoked; register the gateway key again (PUT /v1/gateway_keys) with an active key.');
  }
  const { payload, numbers } = decodePayload(plain);
  if (!(API_CODES as string[]).includes(head.apiCode)) {
    throw new DomainError('parameter_invalid', `Unknown apiCode ${head.apiCode}; Tessera serves ${API_CODES.join(', ')}.`, 'apiCode');
  }
  const apiCode = head.apiCode as ApiCode;
  const { scope, run } = API[apiCode];
  if (!principal.scopes.includes(scope)) {
    throw new DomainError('insufficient_scope', `The API key that registered this gateway key lacks the \`${scope}\` scope that ${apiCode} needs; register the gateway key again with a key that has it.`);
  }
  // A reveal (queryCard) counts against the key's reveals on every surface, before anything is read.
  if (scope === 'cards:reveal' && !(await deps.takeReveal(principal.keyId))) {
    throw new DomainError('rate_limited', 'Too many card reveals by this key this minute; retry in a minute.');
  }
  const fields = checkFields(apiCode, payload, numbers);
  const now = deps.clock.now();
  const g: GatewayContext = {
    owner: { merchantId: gateway.merchantId, mode: gateway.mode }, scopes: principal.scopes, policy: deps.policy, keys: deps.keys,
    actor: principal.keyId, origin, at: new Date(now.getTime() + principal.clockOffsetMs),
  };
  const request = { sysId: gateway.sysId, requestNo: head.requestNo, apiCode, fingerprint: fingerprintOf(apiCode, head.version, payload) };

  try {
    return await deps.db.transaction(async (tx) => {
      const prior = await claim(tx, request, now);
      if (prior) return prior;
      const outcome: Outcome = await run(tx, g, fields);
      const envelope = answer('failure' in outcome ? outcome.failure : outcome.result);
      await store.insertRequest(tx, { ...request, response: envelope }, now);
      await store.pruneResponses(tx, gateway.sysId, new Date(now.getTime() - RESPONSE_RETENTION_MS), PRUNE_BATCH_MAX);
      return { status: 200, replayed: false, envelope };
    });
  } catch (err) {
    // A module refused: nothing was written. The refusal is the requestNo's answer from now on (as the native
    // idempotency layer stores business errors), except for transient ones worth retrying.
    if (!(err instanceof DomainError) || ['idempotency_key_in_flight', 'idempotency_key_reused', 'rate_limited', 'service_unavailable'].includes(err.code)) throw err;
    const envelope = answer(err);
    return deps.db.transaction(async (tx) => {
      const prior = await claim(tx, request, now);
      if (prior) return prior;
      await store.insertRequest(tx, { ...request, response: envelope }, now);
      return { status: 200, replayed: false, envelope };
    });
  }
}

/** The decrypted JSON, with the same text checks as an HTTP body, and each number's text (amounts are read from it). */
function decodePayload(plain: Buffer): { payload: Record<string, unknown>; numbers: NumberTexts } {
  const text = plain.toString('utf8');
  const { problem, numbers } = scanJsonText(text);
  if (problem) {
    throw new DomainError('parameter_invalid', problem.problem === 'too_deep'
      ? `The decrypted body is nested more than ${JSON_DEPTH_MAX} levels deep.`
      : `The decrypted body has the key \`${problem.key.slice(0, 100)}\` twice in one object.`);
  }
  let payload: unknown;
  try {
    payload = sjson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
  } catch {
    throw new DomainError('parameter_invalid', 'The decrypted body is not valid JSON (or holds a __proto__ / constructor.prototype key).');
  }
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    throw new DomainError('parameter_invalid', 'The decrypted body must be a JSON object of the apiCode\'s fields.');
  }
  const nul = findNul(payload);
  if (nul !== null) throw new DomainError('parameter_invalid', `\`${nul}\` must not contain NUL characters.`, nul);
  return { payload: payload as Record<string, unknown>, numbers };
}

function fingerprintOf(apiCode: string, version: string, payload: unknown): Buffer {
  return crypto.createHash('sha256').update(canonicalJson({ apiCode, version, payload })).digest();
}

/**
 * Take the requestNo for this transaction: an advisory lock against a
 * concurrent twin (which is told to retry), then the stored answer if the
 * requestNo was already used with the same payload.
 */
async function claim(tx: Tx, r: { sysId: string; requestNo: string; fingerprint: Buffer }, now: Date): Promise<GatewayAnswer | null> {
  const lockId = crypto.createHash('sha256').update(canonicalJson(['kazepay', r.sysId, r.requestNo])).digest().readBigInt64BE(0);
  const locked = await tx.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock($1::bigint) AS ok', [lockId]);
  if (!locked.rows[0]?.ok) {
    throw new DomainError('idempotency_key_in_flight', 'A request with this requestNo is still being processed; retry later.', 'requestNo');
  }
  const prior = await store.selectRequest(tx, r.sysId, r.requestNo);
  if (!prior) return null;
  if (!prior.fingerprint.equals(r.fingerprint)) {
    throw new DomainError('idempotency_key_reused', 'This requestNo was already used with a different request; use a new requestNo.', 'requestNo');
  }
  if (!prior.response || now.getTime() - prior.createdAt.getTime() > RESPONSE_RETENTION_MS) {
    throw new DomainError('idempotency_key_reused', 'This requestNo was already used, more than 24 hours ago; its answer is no longer kept. Use a new requestNo.', 'requestNo');
  }
  return { status: 200, replayed: true, envelope: prior.response };
}
