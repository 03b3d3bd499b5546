import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../lib/errors.ts';
import { errorSpec, retryAfterSeconds } from '../http/errors.ts';
import { toDomainError } from '../http/plugins/error-handler.ts';

/** A facade's error body: each service documents its own; the status codes follow the native registry unless mapped. */
export type FacadeErrorFormat = (err: DomainError, status: number, request: FastifyRequest) => { status: number; body: unknown };

/**
 * Give an encapsulated facade its own error shape for everything that fails
 * inside it: authentication (the shared hook), validation, and the modules'
 * DomainErrors. Internal errors are logged and never described.
 */
export function facadeErrors(app: FastifyInstance, format: FacadeErrorFormat): void {
  app.setErrorHandler((err, request, reply: FastifyReply) => {
    const domain = toDomainError(err as Error);
    if (domain.code === 'internal_error') request.log.error({ err }, 'unhandled error in a facade');
    const { status, body } = format(domain, errorSpec(domain.code).status, request);
    const retryAfter = retryAfterSeconds(domain.code);
    if (retryAfter !== null) reply.header('Retry-After', String(retryAfter));
    return reply.code(status).type('application/json; charset=utf-8').send(body);
  });
}

/** The mode named in a facade path must be the key's mode: sandbox data never crosses to live. */
export function requireMode(request: FastifyRequest, mode: string): void {
  const actual = request.principal?.mode;
  if (actual !== mode) {
    throw new DomainError('mode_mismatch', `This is a ${actual} key; use the /${actual}/ path, or a ${mode} key.`);
  }
}

/** `YYYY-MM-DD HH:mm:ss` in UTC, as Kwik documents its timestamps. */
export function sqlTimestamp(d: Date | null): string | null {
  return d === null ? null : d.toISOString().slice(0, 19).replace('T', ' ');
}
