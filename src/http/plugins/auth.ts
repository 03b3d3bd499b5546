import crypto from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { normalizeIP } from '@fastify/rate-limit';
import { DomainError } from '../../lib/errors.ts';
import { FailureAudit } from '../../audit/coalesce.ts';
import { PrincipalCache, type Principal, type Scope } from '../../merchants/index.ts';
import type { RouteAuth } from '../deps.ts';
import type { RateLimits } from './rate-limit.ts';

/** Why 10 s: a minute's summary of failed attempts lands within seconds of its end; a check with nothing due costs nothing. */
const FAILURE_FLUSH_INTERVAL_MS = 10_000;

declare module 'fastify' {
  interface FastifyInstance {
    /** Failed authentications, audited per address and minute (audit/coalesce.ts). */
    failureAudit: FailureAudit;
    /** Principals by credential, for at most a second (merchants/principals.ts). */
    principals: PrincipalCache;
  }
}

function bearer(request: FastifyRequest): string {
  const header = request.headers.authorization;
  if (header === undefined || header === '') {
    throw new DomainError('authentication_required', 'No credentials: send Authorization: Bearer <API key or token>.');
  }
  const m = /^Bearer ([\x21-\x7e]{1,4096})$/i.exec(header);
  if (!m) throw new DomainError('authentication_required', 'The Authorization header must be "Bearer <API key or token>".');
  return m[1]!;
}

const looksLikeJwt = (s: string) => /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/.test(s);

function sha256(s: string): Buffer {
  return crypto.createHash('sha256').update(s, 'utf8').digest();
}

export function routeAuth(request: FastifyRequest): RouteAuth {
  const configured = request.routeOptions.config?.auth;
  if (configured) return configured;
  // Fail closed under the API prefixes; anything else (docs assets) is public.
  if (request.url.startsWith('/admin/')) return 'admin';
  return request.url.startsWith('/v1/') ? 'merchant' : 'public';
}

/** The scope a route needs: the one its config declares, else `read` to read and `write` to change anything. */
export function scopeFor(declared: Scope | undefined, method: string): Scope {
  return declared ?? (method === 'GET' || method === 'HEAD' ? 'read' : 'write');
}

export function requiredScope(request: FastifyRequest): Scope {
  return scopeFor(request.routeOptions.config?.scope, request.method);
}

async function resolvePrincipal(app: FastifyInstance, request: FastifyRequest): Promise<Principal> {
  const credential = bearer(request);
  if (credential.startsWith('sk_')) return app.principals.apiKey(credential);
  if (!looksLikeJwt(credential)) throw new DomainError('invalid_api_key', 'The credential is neither an API key nor a token.');
  return app.principals.token(credential);
}

/**
 * Run a change to what a merchant's credentials may do (revoke a key, grant live access, move the sandbox clock),
 * then forget the merchant's cached principals, so that this process's next request sees the change; other
 * processes see it within PRINCIPAL_CACHE_MS. After the transaction, never inside it: a request authenticated
 * between the forget and the commit would cache the old row again. After a failure too: a commit whose outcome is
 * unknown may have happened.
 */
export async function changingPrincipals<T>(request: FastifyRequest, merchantId: string, change: () => Promise<T>): Promise<T> {
  try {
    return await change();
  } finally {
    request.server.principals.forget(merchantId);
  }
}

function checkAdmin(app: FastifyInstance, request: FastifyRequest): void {
  const expected = app.deps.config.adminToken;
  if (expected === null) {
    throw new DomainError('admin_disabled', 'The admin API is disabled; the operator enables it with TESSERA_ADMIN_TOKEN.');
  }
  const presented = bearer(request);
  if (!crypto.timingSafeEqual(sha256(presented), sha256(expected))) {
    throw new DomainError('invalid_admin_token', 'The admin token is not valid.');
  }
}

export interface FailedAttempt {
  action: string;
  target: string | null;
  /** What the caller is answered (a closed list): tallied in the minute's summary. */
  code: string;
  /** Never secrets: methods, reasons. */
  details: Record<string, unknown>;
}

/**
 * A failed authentication, on any surface: counted against the client address first, so that a flood is refused
 * (429, thrown) before it costs an append; then audited (SPEC §5: who, nothing secret, what, when, from where),
 * coalesced per address and minute so that a flood cannot stall the audit chain.
 */
export async function refuseAttempt(request: FastifyRequest, reply: FastifyReply, attempt: FailedAttempt): Promise<void> {
  const { rateLimits, failureAudit } = request.server;
  try {
    await rateLimits.charge(request, reply, { kind: 'auth_failures' });
  } finally {
    await failureAudit.record({ ...attempt, origin: request.ip, group: normalizeIP(request.ip) });
  }
}

const authFailure = (request: FastifyRequest, err: DomainError): FailedAttempt =>
  ({ action: 'auth.failure', target: request.routeOptions.url ?? null, code: err.code, details: { method: request.method } });

export function registerAuth(app: FastifyInstance, limits: RateLimits): void {
  app.decorateRequest('principal', null);
  app.decorateRequest('operator', false);
  const failures = new FailureAudit(app.deps.db, app.deps.clock, {
    onError: (err) => app.log.error({ err }, 'could not audit failed authentication'),
  });
  app.decorate('failureAudit', failures);
  const { db, clock, keys } = app.deps;
  app.decorate('principals', new PrincipalCache(db, clock, keys.derive('jwt-signing-v1')));
  const timer = setInterval(() => void failures.flushDue(), FAILURE_FLUSH_INTERVAL_MS);
  timer.unref();
  app.addHook('onClose', async () => {
    clearInterval(timer);
    await failures.flushAll();
  });
  // onRequest: before the body is read, and before any limit, since requests are counted against whoever sent them.
  app.addHook('onRequest', async (request, reply) => {
    await authenticateRequest(app, limits, request, reply);
  });
  // After validation, as the handlers' own checks were: a malformed simulation request is a 400 in either mode.
  app.addHook('preHandler', async (request) => {
    if (request.routeOptions.config?.sandboxOnly) requireSandbox(request);
  });
}

async function authenticateRequest(app: FastifyInstance, limits: RateLimits, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const mode = request.is404 ? 'public' : routeAuth(request);
  if (mode === 'public') return limits.charge(request, reply, { kind: 'address' });
  let principal: Principal | null = null;
  try {
    if (mode === 'admin') checkAdmin(app, request);
    else principal = await resolvePrincipal(app, request);
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    if (err.code === 'admin_disabled') {
      await limits.charge(request, reply, { kind: 'address' });
      throw err;
    }
    await refuseAttempt(request, reply, authFailure(request, err));
    throw err;
  }
  if (principal === null) {
    request.operator = true;
    return limits.charge(request, reply, { kind: 'operator' });
  }
  await limits.charge(request, reply, { kind: 'key', principal });
  const scope = requiredScope(request);
  if (!principal.scopes.includes(scope)) {
    const err = new DomainError('insufficient_scope', `This API key lacks the \`${scope}\` scope that this request needs.`);
    // The key is known and already counted: audited only.
    const attempt = authFailure(request, err);
    await app.failureAudit.record({ ...attempt, origin: request.ip, group: normalizeIP(request.ip) });
    throw err;
  }
  // Every route that needs the reveal scope reveals card data: one bucket per key across all of them.
  if (scope === 'cards:reveal') await limits.charge(request, reply, { kind: 'reveals', keyId: principal.keyId });
  request.principal = principal;
}

/** The caller of a merchant route; routes with auth 'merchant' always have one. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new DomainError('authentication_required', 'No credentials.');
  return request.principal;
}

/** Who acts, from where, and when: the merchant's own time, which in sandbox includes its test clock. */
export function actionContext(request: FastifyRequest, now: Date) {
  const at = new Date(now.getTime() + (request.principal?.clockOffsetMs ?? 0));
  return { actor: request.principal?.keyId ?? (request.operator ? 'operator' : 'anonymous'), origin: request.ip, at };
}

/** The merchant's current time (sandbox test clock included). */
export function merchantNow(request: FastifyRequest): Date {
  return new Date(request.server.deps.clock.now().getTime() + (request.principal?.clockOffsetMs ?? 0));
}

/** The merchant and mode that own whatever this request reads or writes. */
export function ownerOf(request: FastifyRequest): { merchantId: string; mode: 'sandbox' | 'live' } {
  const p = principalOf(request);
  return { merchantId: p.merchantId, mode: p.mode };
}

/** Simulation endpoints exist only in sandbox (SPEC §1): a live key is refused. */
export function requireSandbox(request: FastifyRequest): void {
  if (principalOf(request).mode !== 'sandbox') {
    throw new DomainError('sandbox_only', 'Simulation endpoints work only with a sandbox key.');
  }
}
