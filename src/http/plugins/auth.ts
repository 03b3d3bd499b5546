import crypto from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DomainError } from '../../lib/errors.ts';
import { appendAudit } from '../../audit/index.ts';
import { authenticate, verifyToken, type Principal, type Scope } from '../../merchants/index.ts';
import type { RouteAuth } from '../deps.ts';

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

export function requiredScope(request: FastifyRequest): Scope {
  return request.routeOptions.config?.scope ?? (request.method === 'GET' || request.method === 'HEAD' ? 'read' : 'write');
}

async function resolvePrincipal(app: FastifyInstance, request: FastifyRequest): Promise<Principal> {
  const { db, keys, clock } = app.deps;
  const credential = bearer(request);
  if (credential.startsWith('sk_')) return authenticate(db, { secret: credential });
  if (!looksLikeJwt(credential)) throw new DomainError('invalid_api_key', 'The credential is neither an API key nor a token.');
  const claims = await verifyToken(credential, keys.derive('jwt-signing-v1'), clock.now());
  if (claims === 'expired') throw new DomainError('invalid_token', 'The token has expired; exchange your API key for a new one.');
  if (claims === 'invalid') throw new DomainError('invalid_token', 'The token is not valid.');
  const principal = await authenticate(db, { keyId: claims.keyId });
  if (principal.merchantId !== claims.merchantId || principal.mode !== claims.mode) {
    throw new DomainError('invalid_token', 'The token is not valid.');
  }
  return principal;
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

/** Failed authentication is audited (SPEC §5): who (nothing secret), what, when, from where. */
async function auditFailure(app: FastifyInstance, request: FastifyRequest, err: DomainError): Promise<void> {
  try {
    await app.deps.db.transaction((tx) =>
      appendAudit(tx, {
        actor: 'anonymous', action: 'auth.failure', target: request.routeOptions.url ?? null, result: 'failure',
        origin: request.ip, at: app.deps.clock.now(), details: { code: err.code, method: request.method },
      }));
  } catch (auditErr) {
    request.log.error({ err: auditErr }, 'could not audit an authentication failure');
  }
}

export function registerAuth(app: FastifyInstance): void {
  app.decorateRequest('principal', null);
  app.decorateRequest('operator', false);
  // preParsing: after the rate limiter (a route-level onRequest hook, so that failed attempts are
  // limited too) and before the body is read.
  app.addHook('preParsing', async (request, _reply, payload) => {
    await authenticateRequest(app, request);
    return payload;
  });
}

async function authenticateRequest(app: FastifyInstance, request: FastifyRequest): Promise<void> {
  if (request.is404) return;
  const mode = routeAuth(request);
  if (mode === 'public') return;
  try {
    if (mode === 'admin') {
      checkAdmin(app, request);
      request.operator = true;
      return;
    }
    const principal = await resolvePrincipal(app, request);
    const scope = requiredScope(request);
    if (!principal.scopes.includes(scope)) {
      throw new DomainError('insufficient_scope', `This API key lacks the \`${scope}\` scope that this request needs.`);
    }
    request.principal = principal;
  } catch (err) {
    if (err instanceof DomainError && err.code !== 'admin_disabled') await auditFailure(app, request, err);
    throw err;
  }
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
