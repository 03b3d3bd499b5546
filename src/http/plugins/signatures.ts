import type { FastifyInstance, FastifyRequest } from 'fastify';
import { appendAudit } from '../../audit/index.ts';
import { DomainError } from '../../lib/errors.ts';
import { checkRequestSignature, SignaturePolicyCache } from '../../signatures/index.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Signing keys and settings per merchant and mode, cached for a second (forget() after a change commits). */
    signaturePolicies: SignaturePolicyCache;
  }
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The absolute URI the client addressed, normalised as `new URL(…).href`
 * normalises it. Behind a TLS-terminating proxy the socket says http, so
 * TESSERA_PUBLIC_URL names the origin clients actually use.
 */
export function targetUri(request: FastifyRequest): string | null {
  try {
    const base = request.server.deps.config.publicUrl ?? `${request.protocol}://${request.host}`;
    return new URL(request.url, base).href;
  } catch {
    return null;
  }
}

/**
 * RFC 9421 request signatures (SPEC §7, seed 004). Runs after auth (the
 * merchant is known) and after the body is read (the digest needs the raw
 * bytes), but before validation and the handler: an unsigned request learns
 * nothing about its body's validity. A nonce is consumed only by a request
 * whose signature verified, so a forger cannot burn a client's nonces.
 */
export function registerSignatures(app: FastifyInstance): void {
  const policies = new SignaturePolicyCache(app.deps.db, app.deps.clock);
  app.decorate('signaturePolicies', policies);
  app.addHook('preValidation', async (request) => {
    if (!MUTATING.has(request.method) || !request.principal) return;
    const { merchantId, mode } = request.principal;
    const url = targetUri(request);
    const result = url === null
      ? { ok: false as const, reason: 'bad_signature' as const, message: 'The request target cannot be reconstructed.' }
      : await checkRequestSignature(app.deps.db, { merchantId, mode }, {
        method: request.method, url, headers: request.headers, body: request.rawBody,
      }, app.deps.clock.now(), policies);
    if (result === null || result.ok) return;
    // A refused signature is a failed authentication: audited like one (SPEC §5).
    await app.deps.db.transaction((tx) => appendAudit(tx, {
      actor: request.principal?.keyId ?? 'anonymous', action: 'auth.signature_failure', target: request.routeOptions.url ?? null,
      result: 'failure', origin: request.ip, at: app.deps.clock.now(), details: { reason: result.reason, method: request.method },
    })).catch((err) => request.log.error({ err }, 'could not audit a signature failure'));
    throw new DomainError('invalid_signature', `Invalid signature (${result.reason}): ${result.message}`, result.reason, { reason: result.reason });
  });
}
