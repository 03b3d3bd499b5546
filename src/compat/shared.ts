import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../lib/errors.ts';
import { decimalRefusal, parseDecimal } from '../lib/money.ts';
import { ledgerOf } from '../accounts/index.ts';
import type { Queryable } from '../db/index.ts';
import { errorSpec, retryAfterSeconds } from '../http/errors.ts';
import { toDomainError } from '../http/plugins/error-handler.ts';
import { decimalText } from '../http/plugins/number-texts.ts';

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

/**
 * The mode named in a facade path (its `:mode` parameter) must be the key's mode: sandbox data never crosses to
 * live. A hook, so it reads the parameters without the route's schema type.
 */
export function requireMode(request: FastifyRequest): void {
  const params = request.params;
  const mode = typeof params === 'object' && params !== null && 'mode' in params ? params.mode : undefined;
  const actual = request.principal?.mode;
  if (actual !== mode) {
    throw new DomainError('mode_mismatch', `This is a ${actual} key; use the /${actual}/ path, or a ${String(mode)} key.`);
  }
}

/** The number of decimals of a currency's ledger (every currency a card, wallet or price has, has one). */
export async function scaleOf(q: Queryable, currency: string): Promise<number> {
  const ledger = await ledgerOf(q, currency);
  if (ledger === null) throw new Error(`no ledger for ${currency}: a currency in use always has one`);
  return ledger.scale;
}

/**
 * A decimal amount of a facade body ("3", "3.00", 5000.00), read from its text (a JSON number's own digits, not the
 * double: 2.999999999999999999 is not 3) in `scale` decimals; never rounded: anything else is a refusal naming it.
 */
export function decimalAmountOf(request: FastifyRequest, field: string, scale: number): bigint {
  const text = decimalText(request, field);
  const parsed = text === null ? 'not_a_number' : parseDecimal(text, scale);
  if (typeof parsed !== 'bigint') throw new DomainError('parameter_invalid', `The ${field} ${decimalRefusal(parsed, scale)}.`, field);
  return parsed;
}

/** `YYYY-MM-DD HH:mm:ss` in UTC, as Kwik documents its timestamps. */
export function sqlTimestamp(d: Date): string;
export function sqlTimestamp(d: Date | null): string | null;
export function sqlTimestamp(d: Date | null): string | null {
  return d === null ? null : d.toISOString().slice(0, 19).replace('T', ' ');
}
