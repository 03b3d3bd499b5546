/**
 * The shared security cases of every operation in the OpenAPI document (STYLE.md example 7): who may call it.
 * No credentials, a wrong key, a revoked key, the wrong kind of credential, a suspended merchant, a live key
 * without live access, and a key without the scope the route needs. The routes come from `app.swagger()` at test
 * time: a new route is covered as soon as it is documented.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { adminHeaders, bearer, buildTestApp, createMerchant } from '../../harness.ts';
import { operatorKey } from '../../fixtures/security-world.ts';
import { knownScopes, openApi, operations, requestFor, routeKey, servedRoutes, type Operation } from './openapi.ts';

const t = await buildTestApp();
afterAll(async () => t.close());
const doc = openApi(t.app);
const ops = operations(doc);

/**
 * Routes the document says anyone may call, each with why. A route newly documented without security fails
 * here until it is added: making a route public is a decision someone must write down.
 */
const PUBLIC_BY_DESIGN: Record<string, string> = {
  'GET /health': 'liveness probe, says nothing about any merchant',
  'GET /ready': 'readiness probe for the load balancer',
  'GET /metrics': 'Prometheus scrape (aggregate counters, no merchant data); expose it only privately',
  'GET /v1/.well-known/signing-keys': "Tessera's public keys, for merchants to verify tokens and webhooks",
  'POST /kazepay/gateway': 'authenticated by its signed, encrypted envelope (sysId + RSA signature), not a Bearer key; tested in test/http/kazepay.test.ts',
  'POST /v1/providers/twilio/message_status': "Twilio's status callback, authenticated by X-Twilio-Signature; tested in test/http/sms*.test.ts",
};

const merchant = await createMerchant(t.app, 'Security A');
const fullScopes = knownScopes(ops);

const revoked = await operatorKey(t.app, merchant.id, 'sandbox', fullScopes);
const revokedToken = (await t.app.inject({ method: 'POST', url: '/v1/auth/token', headers: bearer(revoked.key) })).json().token as string;
expect((await t.app.inject({ method: 'DELETE', url: `/admin/v1/merchants/${merchant.id}/keys/${revoked.id}`, headers: adminHeaders })).statusCode).toBe(200);
const token = (await t.app.inject({ method: 'POST', url: '/v1/auth/token', headers: bearer(merchant.key) })).json().token as string;
const suspended = await createMerchant(t.app, 'Security suspended');
const suspendedKey = (await operatorKey(t.app, suspended.id, 'sandbox', fullScopes)).key;
expect((await t.app.inject({ method: 'POST', url: `/admin/v1/merchants/${suspended.id}/suspend`, headers: adminHeaders, payload: { reason: 'security suite' } })).statusCode).toBe(200);
const noLiveAccess = (await operatorKey(t.app, merchant.id, 'live', fullScopes)).key;
/** A restricted key the merchant made itself (POST /v1/api_keys): only `read`. */
const selfServiceReadOnly = (await t.app.inject({ method: 'POST', url: '/v1/api_keys', headers: bearer(merchant.key), payload: { name: 'read only', scopes: ['read'] } })).json().api_key as string;
expect(selfServiceReadOnly).toMatch(/^sk_sandbox_/);
/** For each scope: a key with every other scope, and a key with only that one. */
const withoutScope = new Map<string, string>();
const onlyScope = new Map<string, string>();
for (const scope of fullScopes) {
  withoutScope.set(scope, (await operatorKey(t.app, merchant.id, 'sandbox', fullScopes.filter((s) => s !== scope))).key);
  onlyScope.set(scope, (await operatorKey(t.app, merchant.id, 'sandbox', [scope])).key);
}

/** Auth runs before validation: a path or body naming nothing is enough. */
const placeholder = () => 'obj_01h2xcejqtf2nbrexx3vqjhp41';
const call = (op: Operation, headers: Record<string, string>, mode: 'sandbox' | 'live' = 'sandbox') => {
  const r = requestFor(doc, op, placeholder, mode);
  return t.app.inject({ method: r.method, url: r.url, headers, ...(r.payload !== undefined ? { payload: r.payload as object } : {}) });
};

type Res = Awaited<ReturnType<typeof call>>;
/** The error code of a refusal: Tessera's `{error: {code}}`; the facades answer in their own shapes (status only). */
const codeOf = (op: Operation, res: Res): string | undefined => {
  if (op.surface !== 'native') return undefined;
  try {
    return res.json().error?.code;
  } catch {
    return undefined;
  }
};

/**
 * The status a surface answers a refusal with: KrezyPay documents only 401, 404 and 422 (SPEC §6), so its
 * facade answers every refused credential, 403s included, with 401 in its own `{status: "error", error}` shape.
 */
const statusOn = (op: Operation, status: number) => (op.surface === 'krezypay' && status === 403 ? 401 : status);

function expectRefused(op: Operation, res: Res, status: number, code: string, secret?: string) {
  const what = `${op.name}: ${res.statusCode} ${res.body.slice(0, 300)}`;
  expect(res.statusCode, what).toBe(statusOn(op, status));
  if (op.surface === 'krezypay') expect(res.json(), what).toMatchObject({ status: 'error', error: expect.any(String) });
  if (op.surface === 'native') expect(codeOf(op, res), what).toBe(code);
  if (secret) expect(res.body, `${op.name} echoes the credential`).not.toContain(secret);
}

const merchantOps = ops.filter((o) => o.caller === 'merchant');
const adminOps = ops.filter((o) => o.caller === 'admin');
const publicOps = ops.filter((o) => o.caller === 'public');
const named = (list: Operation[]) => list.map((o) => [o.name, o] as const);

describe('the OpenAPI document', () => {
  it('documents the API: merchant, operator and public routes', () => {
    expect(merchantOps.length).toBeGreaterThan(50);
    expect(adminOps.length).toBeGreaterThan(20);
    expect(fullScopes).toEqual(expect.arrayContaining(['read', 'write', 'cards:reveal', 'keys:write']));
  });

  it('documents every route the app serves under the API prefixes, so that none escapes this suite', () => {
    const served = servedRoutes(t.app).filter((r) => /^[A-Z]+ \/(v1|admin|krezypay|kwik|kazepay)\//.test(r));
    expect(served.length).toBeGreaterThan(100);
    const documented = new Set(ops.map(routeKey));
    const undocumented = served.filter((r) => !documented.has(r));
    expect(undocumented, 'served but not in the OpenAPI document (hidden routes are not walked): document them').toEqual([]);
  });

  it('names on every merchant operation (x-scope) the scope this suite expects of it', () => {
    const wrong = ops.filter((op) => op.caller === 'merchant' && op.raw['x-scope'] !== op.scope)
      .map((op) => `${op.name}: documented ${String(op.raw['x-scope'])}, expected ${op.scope}`);
    expect(wrong).toEqual([]);
  });

  it('puts every route under /v1 and /admin/v1 behind a credential, except the public ones written down', () => {
    const undecided = publicOps.filter((o) => !(o.name in PUBLIC_BY_DESIGN)).map((o) => o.name);
    expect(undecided, 'routes documented without security: give them security in the document, or add them to PUBLIC_BY_DESIGN with why').toEqual([]);
    for (const op of adminOps) expect(op.path, `${op.name} takes the admin token outside /admin/`).toMatch(/^\/admin\//);
    for (const op of ops.filter((o) => o.path.startsWith('/admin/'))) expect(op.caller, op.name).toBe('admin');
  });
});

describe.each(named(publicOps))('public %s', (_name, op) => {
  it('answers without credentials (it does not ask for a key or the admin token)', async () => {
    const res = await call(op, {});
    expect(res.statusCode, res.body).toBeLessThan(500);
    const code = (() => {
      try {
        return res.json().error?.code;
      } catch {
        return undefined;
      }
    })();
    expect(['authentication_required', 'invalid_api_key', 'invalid_admin_token'], `${op.name} asks for credentials but is documented as public`).not.toContain(code);
  });
});

describe.each(named(merchantOps))('merchant route %s', (_name, op) => {
  it('refuses no key, a wrong or malformed key, a revoked key and its token, and the admin token with 401', async () => {
    expectRefused(op, await call(op, {}), 401, 'authentication_required');
    expectRefused(op, await call(op, { authorization: 'Basic dXNlcjpwYXNz' }), 401, 'authentication_required');
    expectRefused(op, await call(op, bearer('hello')), 401, 'invalid_api_key', 'hello');
    expectRefused(op, await call(op, bearer('sk_sandbox_short')), 401, 'invalid_api_key', 'sk_sandbox_short');
    const unknown = `sk_sandbox_${'A'.repeat(43)}`;
    expectRefused(op, await call(op, bearer(unknown)), 401, 'invalid_api_key', unknown);
    expectRefused(op, await call(op, bearer(revoked.key)), 401, 'api_key_revoked', revoked.key);
    expectRefused(op, await call(op, bearer(revokedToken)), 401, 'api_key_revoked', revokedToken);
    expectRefused(op, await call(op, adminHeaders), 401, 'invalid_api_key', adminHeaders.authorization.slice(7));
  });

  it("refuses a suspended merchant's key, and a live key before live access, with 403", async () => {
    expectRefused(op, await call(op, bearer(suspendedKey)), 403, 'merchant_suspended', suspendedKey);
    expectRefused(op, await call(op, bearer(noLiveAccess), 'live'), 403, 'live_access_required', noLiveAccess);
  });

  it(`needs its scope (${op.scope}): a key with every other scope (and a self-made read-only key) gets 403 insufficient_scope`, async () => {
    expect(fullScopes, `${op.name} needs the scope ${op.scope}, which no key can be given`).toContain(op.scope);
    const key = withoutScope.get(op.scope!)!;
    expectRefused(op, await call(op, bearer(key)), 403, 'insufficient_scope', key);
    if (op.scope !== 'read') expectRefused(op, await call(op, bearer(selfServiceReadOnly)), 403, 'insufficient_scope', selfServiceReadOnly);
    // Reads (and the few mutations that need only `read`) change nothing: a key with just that scope passes authentication.
    if (op.method === 'GET' || op.scope === 'read') {
      const only = onlyScope.get(op.scope!)!;
      const res = await call(op, bearer(only));
      expect([401, 403], `${op.name} refuses a key with its scope ${op.scope}: ${res.body}`).not.toContain(res.statusCode);
      expect(res.statusCode, res.body).toBeLessThan(500);
    }
  });
});

describe.each(named(merchantOps.filter((o) => o.pathParams.some((p) => p.name === 'mode'))))('facade route %s', (_name, op) => {
  it("refuses a key on the other mode's path (a sandbox key on /live/)", async () => {
    const res = await call(op, bearer(merchant.key), 'live');
    expect([401, 403], `${op.name} with a sandbox key on the live path: ${res.statusCode} ${res.body.slice(0, 300)}`).toContain(res.statusCode);
    expect(res.body).not.toContain(merchant.key);
  });
});

describe.each(named(adminOps))('operator route %s', (_name, op) => {
  it("refuses no token, a wrong token, a merchant's key and a merchant's token with 401", async () => {
    expectRefused(op, await call(op, {}), 401, 'authentication_required');
    expectRefused(op, await call(op, bearer('wrong-token-wrong-token')), 401, 'invalid_admin_token', 'wrong-token-wrong-token');
    expectRefused(op, await call(op, bearer(`${adminHeaders.authorization.slice(7)}x`)), 401, 'invalid_admin_token');
    expectRefused(op, await call(op, bearer(merchant.key)), 401, 'invalid_admin_token', merchant.key);
    expectRefused(op, await call(op, bearer(token)), 401, 'invalid_admin_token', token);
  });
});

it('after all of it, the merchants are as they were', async () => {
  expect((await t.app.inject({ url: '/v1/merchant', headers: bearer(merchant.key) })).statusCode).toBe(200);
  expect((await t.app.inject({ url: `/admin/v1/merchants/${merchant.id}`, headers: adminHeaders })).json()).toMatchObject({ suspended: false });
});
