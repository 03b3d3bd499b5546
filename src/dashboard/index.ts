import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { InvalidPathParameterError } from '@tessera/sdk';
import { DomainError } from '../lib/errors.ts';
import { errorSpec } from '../http/errors.ts';
import { apiClient, formKeys, injectFetch, problemOf, type ApiClient } from './api.ts';
import { SessionStore, csrfOk, type Flash, type Session, type SessionKind } from './session.ts';
import { messagePage, page, signInPage } from './layout.ts';
import type { SafeHtml } from './html.ts';
import { operatorPages } from './pages/operator.ts';
import { merchantPages } from './pages/merchant.ts';

/**
 * The dashboard: server-rendered pages at /dashboard for the operator and for merchants. It reaches Tessera only
 * through the public HTTP API (in-process, over inject), with the credential kept in a server-side session.
 *
 * Every page is a GET that reads the API and renders; every change is a POST with the session's CSRF token that calls
 * the API and redirects back with a flash message (POST/redirect/GET).
 */

export const SESSION_COOKIE = 'tessera_session';
/** A pre-session token for the sign-in forms (double submit: cookie and field must match). */
const SIGNIN_COOKIE = 'tessera_signin';
/** Why 64 KiB: the largest form is a card-stock import of a few hundred lines; the API caps it at 1,000 cards anyway. */
const FORM_BODY_LIMIT = 256 * 1024;

const ASSETS: Record<string, { file: string; type: string }> = {
  'dashboard.css': { file: 'dashboard.css', type: 'text/css; charset=utf-8' },
  'dashboard.js': { file: 'dashboard.js', type: 'text/javascript; charset=utf-8' },
};

/** No inline script or style anywhere: the page's code and styles come from /dashboard/assets only. */
const CSP = [
  "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data: blob:", "connect-src 'self'",
  "font-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "form-action 'self'",
].join('; ');

export type Form = Record<string, string | string[] | undefined>;

export interface PageContext {
  request: FastifyRequest;
  reply: FastifyReply;
  session: Session;
  api: ApiClient;
  query: Record<string, string | undefined>;
  params: Record<string, string>;
}

export interface ActionContext extends PageContext {
  form: Form;
}

/** What a page handler renders: a body with its title, or a status and body for errors passed through. */
export interface Rendered {
  title: string;
  current: string;
  body: SafeHtml;
  status?: number;
}

export interface ActionResult {
  redirect: string;
  flash: Flash;
}

export interface Router {
  page(role: SessionKind, url: string, handler: (ctx: PageContext) => Promise<Rendered>): void;
  action(role: SessionKind, url: string, handler: (ctx: ActionContext) => Promise<ActionResult>): void;
  /** A GET answering raw bytes (KYC images) or JSON to the page's own script (Reveal). */
  raw(role: SessionKind, method: 'GET' | 'POST', url: string, handler: (ctx: ActionContext) => Promise<void>): void;
}

/** The form value as one string ('' when absent). */
export const one = (form: Form, name: string): string => {
  const v = form[name];
  return (Array.isArray(v) ? v[0] : v) ?? '';
};
/** The form value as a list (checkboxes). */
export const many = (form: Form, name: string): string[] => {
  const v = form[name];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
};

/** The API's answer to a change, as the flash message shown after the redirect. */
export function outcome(result: { error?: unknown; response: Response }, success: string, redirect: string): ActionResult {
  const problem = problemOf(result);
  return problem
    ? { redirect, flash: { kind: 'error', message: problem.message } }
    : { redirect, flash: { kind: 'success', message: success } };
}

/** Compares two secrets in constant time whatever their lengths or characters (digests have one length). */
function sameSecret(presented: string, expected: string): boolean {
  const digest = (text: string) => crypto.createHash('sha256').update(text, 'utf8').digest();
  return crypto.timingSafeEqual(digest(presented), digest(expected));
}

function cookies(request: FastifyRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    try {
      out[part.slice(0, eq).trim()] = decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      // A malformed cookie (a stray %) is no cookie: it must not break every page.
    }
  }
  return out;
}

function parseForm(text: string): Form {
  const form: Form = {};
  for (const [k, v] of new URLSearchParams(text)) {
    const prev = form[k];
    form[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return form;
}

export async function registerDashboard(app: FastifyInstance): Promise<void> {
  const sessions = new SessionStore();
  const assetDir = path.join(import.meta.dirname, 'assets');
  const assets = new Map(Object.entries(ASSETS).map(([name, a]) => [name, { type: a.type, body: fs.readFileSync(path.join(assetDir, a.file)) }]));
  const secureCookies = (request: FastifyRequest) => request.protocol === 'https' || (app.deps.config.publicUrl?.startsWith('https:') ?? false);
  const cookie = (request: FastifyRequest, name: string, value: string, maxAgeSeconds: number) =>
    `${name}=${value}; Path=/dashboard; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secureCookies(request) ? '; Secure' : ''}`;

  await app.register(async (scope) => {
    // Dashboard routes are pages, not API: hidden from the OpenAPI document, and public to the API's auth hook
    // (the session is checked here). The API's per-address limit still counts them.
    const routeConfig = { config: { auth: 'public' as const }, schema: { hide: true } };
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT }, (_req, body, done) => {
      done(null, parseForm(body as string));
    });
    scope.addHook('onSend', async (_request, reply, payload) => {
      reply.header('content-security-policy', CSP);
      reply.header('x-frame-options', 'DENY');
      reply.header('referrer-policy', 'no-referrer');
      reply.header('x-content-type-options', 'nosniff');
      reply.header('cross-origin-opener-policy', 'same-origin');
      if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
      return payload;
    });
    // Any other page under /dashboard: a 404 page in the dashboard's own look (static routes win over the wildcard).
    scope.get('/dashboard/*', routeConfig, async (request, reply) => {
      const session = sessions.get(cookies(request)[SESSION_COOKIE]);
      reply.code(404).type('text/html; charset=utf-8');
      return session ? messagePage(session, 'Not found', 'There is no such page.') : 'Not found';
    });
    scope.setErrorHandler((err, request, reply) => {
      // An id made of dots would name another endpoint: the SDK refuses it, and for the page it names nothing.
      if (err instanceof InvalidPathParameterError) return reply.code(404).type('text/html; charset=utf-8').send('Not found');
      // The API's own refusals keep their status (a 429 from the sign-in limit is not a server error).
      const status = err instanceof DomainError ? errorSpec(err.code).status : (err as { statusCode?: number }).statusCode ?? 500;
      if (status >= 500) request.log.error({ err }, 'dashboard error');
      reply.code(status >= 400 ? status : 500).type('text/html; charset=utf-8');
      if (status === 429) return 'Too many attempts; wait a minute and try again.';
      return status < 500 ? 'The request could not be read.' : 'Something went wrong; the error is logged.';
    });

    const ctxOf = (request: FastifyRequest, reply: FastifyReply, session: Session, formId = ''): PageContext => ({
      request, reply, session,
      api: apiClient({ kind: session.kind, secret: session.credential }, injectFetch(app, request.ip), formKeys(formId)),
      // An empty field of a GET form means "no filter", never an empty one: dropped before it reaches the API.
      query: Object.fromEntries(Object.entries((request.query ?? {}) as Record<string, string | undefined>).filter(([, v]) => v !== '')),
      params: (request.params ?? {}) as Record<string, string>,
    });

    /** The session for a request in `role`'s console; otherwise the reply is sent (sign-in, or 404 for the wrong console). */
    const guard = (request: FastifyRequest, reply: FastifyReply, role: SessionKind): Session | null => {
      const session = sessions.get(cookies(request)[SESSION_COOKIE]);
      if (!session) {
        void reply.redirect('/dashboard/signin', 303);
        return null;
      }
      if (session.kind !== role) {
        // The other console's pages do not exist for this session, as the API's admin routes do not for a key.
        void reply.code(404).type('text/html; charset=utf-8').send(messagePage(session, 'Not found', 'There is no such page.'));
        return null;
      }
      return session;
    };
    const csrfGuard = (request: FastifyRequest, reply: FastifyReply, session: Session): boolean => {
      const form = (request.body ?? {}) as Form;
      if (csrfOk(session, one(form, '_csrf')) || csrfOk(session, request.headers['x-csrf-token'])) return true;
      void reply.code(403).type('text/html; charset=utf-8').send(messagePage(session, 'Refused', 'The form is out of date or did not come from this dashboard (CSRF check). Reload the page and try again.'));
      return false;
    };

    const router: Router = {
      page(role, url, handler) {
        scope.get(url, routeConfig, async (request, reply) => {
          const session = guard(request, reply, role);
          if (!session) return reply;
          const rendered = await handler(ctxOf(request, reply, session));
          const flash = session.flash;
          session.flash = null;
          return reply.code(rendered.status ?? 200).type('text/html; charset=utf-8')
            .send(page({ title: rendered.title, current: rendered.current, body: rendered.body, session, flash }));
        });
      },
      action(role, url, handler) {
        scope.post(url, routeConfig, async (request, reply) => {
          const session = guard(request, reply, role);
          if (!session || !csrfGuard(request, reply, session)) return reply;
          const form = (request.body ?? {}) as Form;
          const result = await handler({ ...ctxOf(request, reply, session, one(form, '_form')), form });
          session.flash = result.flash;
          return reply.redirect(result.redirect, 303);
        });
      },
      raw(role, method, url, handler) {
        scope.route({
          method, url, ...routeConfig, handler: async (request, reply) => {
            const session = guard(request, reply, role);
            if (!session) return reply;
            if (method === 'POST' && !csrfGuard(request, reply, session)) return reply;
            await handler({ ...ctxOf(request, reply, session), form: (request.body ?? {}) as Form });
            return reply;
          },
        });
      },
    };

    scope.get<{ Params: { name: string } }>('/dashboard/assets/:name', routeConfig, async (request, reply) => {
      const asset = assets.get(request.params.name);
      if (!asset) return reply.code(404).type('text/plain').send('Not found');
      return reply.header('cache-control', 'no-cache').type(asset.type).send(asset.body);
    });

    scope.get('/dashboard', routeConfig, async (request, reply) => {
      const session = sessions.get(cookies(request)[SESSION_COOKIE]);
      if (!session) return reply.redirect('/dashboard/signin', 303);
      return reply.redirect(session.kind === 'operator' ? '/dashboard/overview' : '/dashboard/customers', 303);
    });

    scope.get('/dashboard/signin', routeConfig, async (request, reply) => {
      if (sessions.get(cookies(request)[SESSION_COOKIE])) return reply.redirect('/dashboard', 303);
      const token = crypto.randomBytes(32).toString('base64url');
      reply.header('set-cookie', cookie(request, SIGNIN_COOKIE, token, 3600));
      return reply.type('text/html; charset=utf-8').send(signInPage(null, token));
    });

    scope.post('/dashboard/signin', routeConfig, async (request, reply) => {
      const form = (request.body ?? {}) as Form;
      const expected = cookies(request)[SIGNIN_COOKIE];
      const presented = one(form, '_csrf');
      if (!expected || !sameSecret(presented, expected)) {
        return reply.code(403).type('text/html; charset=utf-8').send('The sign-in form is out of date; reload the page (CSRF check).');
      }
      const kind = one(form, 'kind') === 'operator' ? 'operator' : 'merchant';
      const credential = one(form, 'credential').trim();
      const retry = (status: number, message: string) => reply.code(status).type('text/html; charset=utf-8').send(signInPage(message, expected));
      if (credential === '') return retry(400, kind === 'operator' ? 'Enter the admin token.' : 'Enter an API key.');
      // The API decides whether the credential is good, and its limits on failed authentications apply
      // to the browser's address, since the call carries it.
      const api = apiClient({ kind, secret: credential }, injectFetch(app, request.ip));
      let fields: Omit<Session, 'id' | 'csrf' | 'expiresAt' | 'flash'>;
      if (kind === 'operator') {
        const res = await api.GET('/admin/v1/merchants', { params: { query: { limit: 1 } } });
        const problem = problemOf(res);
        if (problem) return retry(problem.status === 429 ? 429 : 401, problem.message);
        fields = { kind, credential, identity: 'Operator', mode: null, merchantId: null, scopes: [] };
      } else {
        if (!credential.startsWith('sk_')) return retry(401, 'An API key starts with sk_sandbox_ or sk_live_.');
        const res = await api.GET('/v1/merchant');
        const problem = problemOf(res);
        if (problem || !res.data) return retry(problem?.status === 429 ? 429 : 401, problem?.message ?? 'The API key was refused.');
        const m = res.data;
        fields = { kind, credential, identity: m.name, mode: m.mode, merchantId: m.id, scopes: m.scopes };
      }
      const session = sessions.create(fields);
      reply.header('set-cookie', [cookie(request, SESSION_COOKIE, session.id, Math.floor(12 * 3600)), cookie(request, SIGNIN_COOKIE, '', 0)]);
      return reply.redirect('/dashboard', 303);
    });

    scope.post('/dashboard/signout', routeConfig, async (request, reply) => {
      const session = sessions.get(cookies(request)[SESSION_COOKIE]);
      if (session) {
        if (!csrfGuard(request, reply, session)) return reply;
        sessions.delete(session.id);
      }
      reply.header('set-cookie', cookie(request, SESSION_COOKIE, '', 0));
      return reply.redirect('/dashboard/signin', 303);
    });

    operatorPages(router);
    merchantPages(router);
  });
}
