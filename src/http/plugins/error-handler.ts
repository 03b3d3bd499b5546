import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, type ErrorCode } from '../../lib/errors.ts';
import { AssertionError } from '../../lib/assert.ts';
import { scrubPans } from '../../lib/scrub.ts';
import { DatabaseUnavailableError } from '../../db/index.ts';
import { errorBody, retryAfterSeconds } from '../errors.ts';
import { ReplayedRefusal } from './idempotency.ts';

interface AjvIssue {
  instancePath: string;
  schemaPath?: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** `/address/line1` → `address.line1`; a missing or extra property is named itself. */
function paramOf(issue: AjvIssue): string | null {
  const base = issue.instancePath.split('/').filter(Boolean).join('.');
  const first = (v: unknown) => (Array.isArray(v) ? (v[0] as string | undefined) : (v as string | undefined));
  const child = first(issue.params.missingProperty ?? issue.params.requiredProperties ?? issue.params.additionalProperty ?? issue.params.additionalProperties);
  const path = [base, child].filter(Boolean).join('.');
  return path === '' ? null : path;
}

function describe(issue: AjvIssue, where: string, param: string | null): string {
  const subject = param ? `\`${param}\`` : `The ${where}`;
  switch (issue.keyword) {
    case 'required':
      return `Missing required parameter ${subject} in the ${where}.`;
    case 'additionalProperties':
      return `Unknown parameter ${subject} in the ${where}.`;
    case 'type':
      return `${subject} must be of type ${String(issue.params.type)}.`;
    case 'enum':
    case 'anyOf':
    case 'const':
      return `${subject} has an invalid value${issue.params.allowedValues ? `; expected one of ${(issue.params.allowedValues as unknown[]).join(', ')}` : ''}.`;
    default:
      return `${subject} ${issue.message ?? 'is invalid'}.`;
  }
}

const WHERE: Record<string, string> = { body: 'request body', querystring: 'query string', params: 'path', headers: 'headers' };

/** Translate anything thrown into one DomainError; unknown errors become internal_error with a generic message. */
export function toDomainError(err: FastifyError | Error): DomainError {
  if (err instanceof DomainError) return err;
  if (err instanceof DatabaseUnavailableError) {
    return new DomainError('service_unavailable', 'The service is briefly unavailable; retry after the time in Retry-After, with the same Idempotency-Key.');
  }
  const fe = err as FastifyError & { validation?: AjvIssue[]; validationContext?: string };
  if (fe.validation && fe.validation.length > 0) {
    // TypeBox reports an extra property twice (a `false` schema, then additionalProperties): name it once, plainly.
    const issue = fe.validation.find((i) => i.keyword === 'additionalProperties')
      ?? fe.validation.find((i) => !(i.keyword === 'boolean' && i.schemaPath?.endsWith('/additionalProperties')))
      ?? fe.validation[0]!;
    const param = paramOf(issue);
    const code: ErrorCode = issue.keyword === 'required' ? 'parameter_missing' : 'parameter_invalid';
    return new DomainError(code, describe(issue, WHERE[fe.validationContext ?? 'body'] ?? 'request', param), param ?? undefined);
  }
  switch (fe.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new DomainError('body_too_large', 'The request body is larger than the limit.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return fe.statusCode === 415
        ? new DomainError('unsupported_media_type', 'Unsupported Content-Type; send application/json.')
        : new DomainError('invalid_request', 'The Content-Length header does not match the body.');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new DomainError('invalid_request', 'The request body is empty but Content-Type is application/json.');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new DomainError('invalid_request', 'The request body is not valid JSON.');
    case 'FST_ERR_CTP_INVALID_TYPE':
      return new DomainError('invalid_request', 'The Content-Type header is not valid.');
    default:
      break;
  }
  // secure-json-parse (prototype poisoning) and the JSON parser throw plain errors with status 400.
  if (fe.statusCode === 400) {
    if (err instanceof SyntaxError || /JSON/i.test(err.message)) return new DomainError('invalid_request', 'The request body is not valid JSON.');
    if (/prototype/i.test(err.message)) return new DomainError('invalid_request', 'The request body contains a forbidden key (__proto__ or constructor.prototype).');
    return new DomainError('invalid_request', 'The request is malformed.');
  }
  // Database guards that fire only in races the code did not foresee: still a clear 4xx, never SQL.
  const pgCode = (err as { code?: string }).code;
  if (pgCode === '23505') return new DomainError('resource_exists', 'The object conflicts with one that exists; retry to see the current state.');
  if (pgCode === '22021' || pgCode === '22P05') return new DomainError('parameter_invalid', 'A text field contains characters that cannot be stored.');
  if (fe.statusCode === 413) return new DomainError('body_too_large', 'The request body is larger than the limit.');
  if (fe.statusCode === 415) return new DomainError('unsupported_media_type', 'Unsupported Content-Type; send application/json.');
  if (fe.statusCode === 429) return new DomainError('rate_limited', 'Too many requests; retry after the time in Retry-After.');
  return new DomainError('internal_error', 'An internal error occurred; it has been logged with the request id.');
}

export function sendError(request: FastifyRequest, reply: FastifyReply, err: DomainError): FastifyReply {
  const { status, body } = errorBody(err, request.id);
  const retryAfter = retryAfterSeconds(err.code);
  if (retryAfter !== null) reply.header('Retry-After', String(retryAfter));
  return reply.code(status).type('application/json; charset=utf-8').send(body);
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    // Byte for byte what the first request was answered, request id included.
    if (err instanceof ReplayedRefusal) return reply.code(err.status).type('application/json; charset=utf-8').send(err.body);
    const domain = toDomainError(err);
    if (domain.code === 'internal_error') {
      // Bugs (AssertionError included) are logged with their stack, never returned.
      request.log.error({ err }, err instanceof AssertionError ? 'assertion failed' : 'unhandled error');
    }
    return sendError(request, reply, domain);
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(request, reply, new DomainError('route_not_found', `No route for ${request.method} ${scrubPans(request.url.split('?')[0] ?? '').slice(0, 200)}.`)));
}
