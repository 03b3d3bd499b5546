import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { TypeBoxValidatorCompiler, registerAjvFormats } from '@fastify/type-provider-typebox';
import sjson from 'secure-json-parse';
import type { AppDeps } from './http/deps.ts';
import { loggerOptions } from './http/logger.ts';
import { newId } from './lib/ids.ts';
import { DomainError } from './lib/errors.ts';
import { findNul } from './lib/json-walk.ts';
import { findLoneSurrogate, JSON_DEPTH_MAX, scanJsonText } from './lib/json-guard.ts';
import { ErrorSchema } from './http/schemas.ts';
import { registerErrorHandling } from './http/plugins/error-handler.ts';
import { registerAuth } from './http/plugins/auth.ts';
import { registerRateLimits } from './http/plugins/rate-limit.ts';
import { registerIdempotency } from './http/plugins/idempotency.ts';
import { registerNumberTexts } from './http/plugins/number-texts.ts';
import { registerSignatures } from './http/plugins/signatures.ts';
import { registerMetrics } from './http/plugins/metrics.ts';
import { registerDocs } from './http/plugins/docs.ts';
import { registerRoutes } from './http/routes/index.ts';
import { registerFacades } from './compat/index.ts';
import { registerDashboard } from './dashboard/index.ts';
import { AuthorizationService } from './authorizations/index.ts';
import { decisionTransport } from './http/decision-transport.ts';

/** Why 1 MiB: the largest legitimate body (a KYC upload of three 5 MiB images goes through its own limit). */
export const BODY_LIMIT_BYTES = 1024 * 1024;
const UTF8 = new TextDecoder('utf-8', { fatal: true });

declare module 'fastify' {
  interface FastifyRequest {
    /** The exact bytes of the body, for Content-Digest checks. */
    rawBody: Buffer | null;
  }
}

export interface BuildOptions {
  /** A logger instance or options; tests pass `false` or a stream-backed logger. */
  logger?: FastifyServerOptions['loggerInstance'] | boolean;
}

/** Build the HTTP app; never listens (tests use inject(), main.ts listens). */
export async function buildApp(deps: AppDeps, options: BuildOptions = {}): Promise<FastifyInstance> {
  registerAjvFormats();
  const loggerSetting = options.logger ?? true;
  const app = Fastify({
    ...(typeof loggerSetting === 'object'
      ? { loggerInstance: loggerSetting }
      : { logger: loggerSetting ? loggerOptions(deps.config.logLevel) : false }),
    bodyLimit: BODY_LIMIT_BYTES,
    genReqId: () => newId('request'),
    requestIdHeader: false,
    trustProxy: false,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    ajv: { customOptions: { removeAdditional: false } },
  }) as unknown as FastifyInstance;

  app.setValidatorCompiler(TypeBoxValidatorCompiler);
  app.decorate('deps', deps);
  app.decorate('authorizations', new AuthorizationService(deps.db, deps.keys, deps.clock, {
    ...decisionTransport(deps), ...(deps.config.authorizationLanes !== null && deps.db.kind === 'postgres' ? { lanes: deps.config.authorizationLanes } : {}),
  }));
  app.decorateRequest('rawBody', null);
  app.addSchema(ErrorSchema);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('Request-Id', request.id);
  });

  // Our own JSON parser: keeps the raw bytes, accepts an empty body as "no body",
  // and refuses __proto__ / constructor.prototype keys (prototype pollution).
  // JSON only: a text/plain body would otherwise be parsed and fail validation with a confusing 400.
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const buf = body as Buffer;
    request.rawBody = buf;
    if (buf.length === 0) return done(null, undefined);
    let text: string;
    try {
      // Invalid UTF-8 would otherwise turn silently into U+FFFD and be stored.
      text = UTF8.decode(buf);
    } catch {
      return done(new DomainError('invalid_request', 'The request body is not valid UTF-8.'), undefined);
    }
    // One pass: the shape checks, and each number literal's text (amounts are read from it, not from the double).
    const { problem: shape, numbers } = scanJsonText(text);
    if (shape) {
      return done(new DomainError('invalid_request', shape.problem === 'too_deep'
        ? `The request body is nested more than ${JSON_DEPTH_MAX} levels deep.`
        : `The request body has the key \`${shape.key.slice(0, 100)}\` twice in one object.`), undefined);
    }
    let parsed: unknown;
    try {
      parsed = sjson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
    } catch (err) {
      const forbidden = err instanceof SyntaxError && /prototype/i.test(err.message);
      return done(new DomainError('invalid_request', forbidden
        ? 'The request body contains a forbidden key (__proto__ or constructor.prototype).'
        : 'The request body is not valid JSON.'), undefined);
    }
    const nul = findNul(parsed);
    if (nul !== null) return done(new DomainError('parameter_invalid', `\`${nul}\` must not contain NUL characters.`, nul), undefined);
    const surrogate = findLoneSurrogate(parsed);
    if (surrogate !== null) return done(new DomainError('parameter_invalid', `\`${surrogate}\` is not well-formed Unicode (a lone surrogate).`, surrogate), undefined);
    request.numberTexts = numbers;
    done(null, parsed);
  });
  registerNumberTexts(app);

  registerErrorHandling(app);
  registerAuth(app, await registerRateLimits(app));
  registerIdempotency(app);
  registerSignatures(app);
  const metrics = registerMetrics(app);
  await registerDocs(app);
  registerRoutes(app, metrics);
  await registerFacades(app);
  await registerDashboard(app);
  return app;
}
