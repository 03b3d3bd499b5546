import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Tx } from '../../db/index.ts';
import { DomainError, type ErrorCode } from '../../lib/errors.ts';
import { canonicalJson } from '../../lib/canonical-json.ts';
import { errorBody } from '../errors.ts';
import { IDEMPOTENCY_TTL_MS, idempotencyLockId, requestFingerprint, type IdempotencyClaim } from '../../idempotency/index.ts';

/** Why 255: the length Stripe and seed 004 document; longer keys are a client bug. */
export const IDEMPOTENCY_KEY_LENGTH_MAX = 255;
export { IDEMPOTENCY_TTL_MS };

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface MutationResult<T> {
  status: number;
  body: T;
}

export interface MutationOptions {
  /**
   * The response carries a secret shown only once (an API key, a signing
   * secret). A retry after a lost response must still get it, so it is stored
   * for replays as other responses are, but sealed by the key provider: never
   * in clear in the table, its backups or a pg_dump.
   */
  secret?: boolean;
}

/**
 * The shapes of the secrets Tessera hands out (API keys, Standard Webhooks
 * secrets). A route that returns one declares it with `{ secret: true }`; this
 * is the net for one that forgot: a stored response that matches is sealed too.
 * The full shapes, not bare prefixes, so an API key's display prefix does not match.
 */
const SECRET_SHAPED = /sk_(?:sandbox|live)_[A-Za-z0-9_-]{43}|whsec_[A-Za-z0-9+/]{32,}/;

function keyOf(request: FastifyRequest): string | null {
  const raw = request.headers['idempotency-key'];
  if (raw === undefined) return null;
  const key = Array.isArray(raw) ? raw[0]! : raw;
  if (key.length === 0) throw new DomainError('parameter_invalid', 'The Idempotency-Key header is empty.', 'Idempotency-Key');
  if (key.length > IDEMPOTENCY_KEY_LENGTH_MAX) {
    throw new DomainError('idempotency_key_too_long', `The Idempotency-Key header must be at most ${IDEMPOTENCY_KEY_LENGTH_MAX} characters.`, 'Idempotency-Key');
  }
  return key;
}

function scopeOf(request: FastifyRequest): string {
  return request.principal ? `${request.principal.merchantId}:${request.principal.mode}` : request.operator ? 'admin' : 'public';
}

function fingerprint(request: FastifyRequest): Buffer {
  return requestFingerprint(request.body, request.query, request.principal?.keyId ?? (request.operator ? 'operator' : null));
}

/**
 * The request's Idempotency-Key as a claim for the domain (the authorization
 * batch claims keys itself), scoped exactly as mutation() scopes it; null
 * without a key.
 */
export function idempotencyClaimOf(request: FastifyRequest): IdempotencyClaim | null {
  const key = keyOf(request);
  if (key === null) return null;
  return { scope: scopeOf(request), method: request.method, path: (request.url.split('?')[0] ?? '').slice(0, 2048), key, fingerprint: fingerprint(request) };
}

class Replay {
  constructor(readonly status: number, readonly body: unknown) {}
}

type StoredRefusalBody = { error: { code: ErrorCode; message: string; param: string | null } };

const isRefusalBody = (body: unknown): body is StoredRefusalBody =>
  typeof body === 'object' && body !== null && 'error' in body && typeof body.error === 'object' && body.error !== null
  && 'code' in body.error && typeof body.error.code === 'string' && 'message' in body.error;

/**
 * A stored refusal, replayed: thrown rather than returned, so that each surface answers it in its own shape
 * (the native handler sends the stored body as it was; a facade's handler formats the code as it did the first
 * time, instead of a native body its response schema cannot serialize).
 */
export class ReplayedRefusal extends DomainError {
  constructor(readonly status: number, readonly body: StoredRefusalBody) {
    super(body.error.code, body.error.message, body.error.param ?? undefined);
  }
}

type StoredRow = {
  fingerprint: Buffer;
  status_code: number;
  body: unknown;
  body_sealed: Buffer | null;
  created_at: Date;
};

/** Associated data of a sealed response: it opens only for the row (and status) it was stored with. */
const sealAad = (scope: string, method: string, path: string, key: string, status: number) =>
  `idempotency-response:v1:${canonicalJson([scope, method, path, key, status])}`;

/**
 * Run a mutating route's work in one database transaction together with the
 * claim of its Idempotency-Key: a crash before commit leaves neither the
 * effects nor the key; a retry after commit replays the stored response.
 * A request while the first is still running gets 409; a different request
 * under the same key gets 422. Business errors (4xx raised by the work) are
 * stored too, so a retry sees the same answer; 5xx are not. A response that
 * carries a secret (`options.secret`) is stored sealed. Card-data reveals do
 * not come through here at all: they are never stored, sealed or not.
 */
export async function mutation<T>(
  request: FastifyRequest, reply: FastifyReply, work: (tx: Tx) => Promise<MutationResult<T>>, options: MutationOptions = {},
): Promise<T> {
  const { db, clock, keys } = request.server.deps;
  const key = keyOf(request);
  if (key === null) {
    const result = await db.transaction(work);
    reply.code(result.status);
    return result.body;
  }
  const scope = scopeOf(request);
  const method = request.method;
  const path = (request.url.split('?')[0] ?? '').slice(0, 2048);
  const print = fingerprint(request);
  const now = clock.now();
  // A 64-bit advisory lock id for this key; a collision only costs a spurious 409.
  const lockId = idempotencyLockId({ scope, method, path, key });

  const claim = async (tx: Tx): Promise<Replay | null> => {
    const locked = await tx.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock($1::bigint) AS ok', [lockId]);
    if (!locked.rows[0]?.ok) {
      throw new DomainError('idempotency_key_in_flight', 'A request with this Idempotency-Key is still being processed; retry later.', 'Idempotency-Key');
    }
    const { rows } = await tx.query<StoredRow>(
      `SELECT fingerprint, status_code, body, body_sealed, created_at FROM idempotency_keys
       WHERE scope = $1 AND method = $2 AND path = $3 AND key = $4`,
      [scope, method, path, key]);
    const prior = rows[0];
    if (!prior) return null;
    if (now.getTime() - prior.created_at.getTime() > IDEMPOTENCY_TTL_MS) {
      await tx.query('DELETE FROM idempotency_keys WHERE scope = $1 AND method = $2 AND path = $3 AND key = $4', [scope, method, path, key]);
      return null;
    }
    if (!prior.fingerprint.equals(print)) {
      throw new DomainError('idempotency_key_reused', 'This Idempotency-Key was used with a different request; use a new key.', 'Idempotency-Key');
    }
    if (prior.body_sealed === null) return new Replay(prior.status_code, prior.body);
    const opened = await keys.open(prior.body_sealed, sealAad(scope, method, path, key, prior.status_code));
    return new Replay(prior.status_code, JSON.parse(opened.toString('utf8')));
  };

  const store = async (tx: Tx, status: number, body: unknown) => {
    const text = JSON.stringify(body ?? null);
    const secretShaped = SECRET_SHAPED.test(text);
    if (secretShaped && !options.secret) {
      request.log.warn('a response with a secret-shaped value from a route not declared { secret: true } was stored sealed');
    }
    const sealed = options.secret || secretShaped
      ? await keys.seal(Buffer.from(text, 'utf8'), sealAad(scope, method, path, key, status))
      : null;
    await tx.query(
      `INSERT INTO idempotency_keys (scope, method, path, key, fingerprint, status_code, body, body_sealed, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`,
      [scope, method, path, key, print, status, sealed ? null : text, sealed, now]);
  };

  let outcome: Replay | MutationResult<T>;
  try {
    outcome = await db.transaction(async (tx) => {
      const replay = await claim(tx);
      if (replay) return replay;
      const result = await work(tx);
      await store(tx, result.status, result.body);
      return result;
    });
  } catch (err) {
    if (err instanceof DomainError && !err.code.startsWith('idempotency_')) {
      const { status, body } = errorBody(err, request.id);
      if (status < 500 && status !== 429) {
        await db.transaction(async (tx) => {
          if (!(await claim(tx))) await store(tx, status, body);
        }).catch((storeErr) => request.log.warn({ err: storeErr }, 'could not store an idempotent error response'));
      }
    }
    throw err;
  }
  if (outcome instanceof Replay) {
    reply.header('Idempotent-Replayed', 'true');
    if (outcome.status >= 400 && isRefusalBody(outcome.body)) throw new ReplayedRefusal(outcome.status, outcome.body);
  }
  reply.code(outcome.status);
  // A replay is the stored answer of this same route, method and body, so it has the route's type.
  return outcome.body as T;
}

/**
 * Reject a malformed Idempotency-Key before any work; and run the handler of every route declared
 * `config.idempotent` through mutation(), so that no route has to remember to (see http/route.ts).
 * An onRoute hook: it must be added before the routes are, and it reaches routes of child plugins too.
 */
export function registerIdempotency(app: FastifyInstance): void {
  app.decorateRequest('tx', null);
  app.addHook('preHandler', async (request) => {
    if (MUTATING.has(request.method)) keyOf(request);
  });
  app.addHook('onRoute', (route) => {
    const declared = route.config?.idempotent;
    if (!declared) return;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!methods.every((m) => MUTATING.has(m))) {
      throw new Error(`route ${route.url}: config.idempotent is for POST, PUT, PATCH and DELETE only`);
    }
    const handler = route.handler;
    const options: MutationOptions = declared === true ? {} : declared;
    route.handler = function idempotentHandler(request, reply) {
      return mutation(request, reply, async (tx) => {
        request.tx = tx;
        try {
          const body: unknown = await handler.call(this, request, reply);
          return { status: reply.statusCode, body };
        } finally {
          request.tx = null;
        }
      }, options);
    };
  });
}

export async function purgeIdempotencyKeys(tx: Tx, now: Date): Promise<number> {
  const r = await tx.query('DELETE FROM idempotency_keys WHERE created_at < $1', [new Date(now.getTime() - IDEMPOTENCY_TTL_MS)]);
  return r.rowCount ?? 0;
}
