import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, bearer, buildTestApp, createMerchant, type TestApp } from '../harness.ts';
import { ACTIVE_KEYS_MAX } from '../../src/merchants/index.ts';

/**
 * Self-service keys (issue 12, item 5): POST, GET and DELETE /v1/api_keys, guarded by `keys:write`; happy, error and
 * security cases for each route.
 */

let t: TestApp;
/** The merchant's root sandbox key has read, write and keys:write. */
let m: { id: string; key: string };
let other: { id: string; key: string };

beforeAll(async () => {
  t = await buildTestApp();
  m = await createMerchant(t.app, 'Keys Co');
  other = await createMerchant(t.app, 'Other Co');
});
afterAll(async () => t.close());

type Key = { id: string; object: string; merchant_id: string; mode: string; scopes: string[]; name: string | null; prefix: string; revoked_at: string | null };

const create = (key: string, payload: unknown, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url: '/v1/api_keys', headers: { ...bearer(key), ...headers }, payload: payload as object });
const list = (key: string, query = '') => t.app.inject({ url: `/v1/api_keys${query}`, headers: bearer(key) });
const revoke = (key: string, id: string, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'DELETE', url: `/v1/api_keys/${id}`, headers: { ...bearer(key), ...headers } });
const me = (key: string) => t.app.inject({ url: '/v1/merchant', headers: bearer(key) });

async function created(key: string, payload: { name: string; scopes: string[] }): Promise<Key & { api_key: string }> {
  const res = await create(key, payload);
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

/** A key made by the operator (the only way to a live key, or to `cards:reveal`, for a merchant that has none). */
async function operatorKey(merchantId: string, mode: 'sandbox' | 'live', scopes: string[]): Promise<{ id: string; api_key: string }> {
  const res = await t.app.inject({ method: 'POST', url: `/admin/v1/merchants/${merchantId}/keys`, headers: adminHeaders, payload: { mode, scopes } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

async function auditRows(action: string, target: string) {
  const { rows } = await t.db.query<{ actor: string; details: Record<string, unknown> }>(
    'SELECT actor, details FROM audit_log WHERE action = $1 AND target = $2 ORDER BY seq', [action, target]);
  return rows;
}

const rootKeyId = async (key: string) => (await me(key)).json().key_id as string;

describe('POST /v1/api_keys', () => {
  it("never replays one key's answer to another key of the merchant: a weaker key cannot obtain a stronger key by reusing its Idempotency-Key", async () => {
    const weak = await created(m.key, { name: 'keys only', scopes: ['keys:write'] });
    const body = { name: 'payments worker', scopes: ['read', 'write', 'keys:write'] };
    const first = await create(m.key, body, { 'idempotency-key': 'create-payments-worker' });
    expect(first.statusCode, first.body).toBe(201);
    const stolen = await create(weak.api_key, body, { 'idempotency-key': 'create-payments-worker' });
    expect(stolen.statusCode, stolen.body).toBe(422);
    expect(stolen.json().error.code).toBe('idempotency_key_reused');
    expect(stolen.body).not.toContain(first.json().api_key);
    expect(stolen.headers['idempotent-replayed']).toBeUndefined();
    // The key that sent it is still replayed its own answer.
    const again = await create(m.key, body, { 'idempotency-key': 'create-payments-worker' });
    expect(again.statusCode).toBe(201);
    expect(again.json().api_key).toBe(first.json().api_key);
  });

  it('creates a restricted key in the caller\'s mode, shown once, that works with exactly its scopes', async () => {
    const res = await create(m.key, { name: ' payments worker ', scopes: ['read'] });
    expect(res.statusCode, res.body).toBe(201);
    const k = res.json();
    expect(k).toMatchObject({ object: 'api_key', merchant_id: m.id, mode: 'sandbox', scopes: ['read'], name: 'payments worker', revoked_at: null });
    expect(k.id).toMatch(/^apikey_/);
    expect(k.api_key).toMatch(/^sk_sandbox_[A-Za-z0-9_-]{43}$/);
    expect(k.prefix).toBe(k.api_key.slice(0, k.prefix.length));
    const who = await me(k.api_key);
    expect(who.statusCode).toBe(200);
    expect(who.json()).toMatchObject({ id: m.id, mode: 'sandbox', key_id: k.id, scopes: ['read'] });
    const write = await t.app.inject({ method: 'POST', url: '/v1/auth/token', headers: bearer(k.api_key) });
    expect(write.statusCode).toBe(200); // exchanging needs only read
    const denied = await t.app.inject({ method: 'POST', url: '/v1/customers', headers: bearer(k.api_key), payload: {} });
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error.code).toBe('insufficient_scope');
    // Stored as a hash only; audited with the calling key as actor, never the secret.
    const { rows } = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM api_keys WHERE key_prefix = $1 AND name = $2', [k.prefix, 'payments worker']);
    expect(rows[0]!.n).toBe(1);
    const audit = await auditRows('api_key.create', k.id);
    expect(audit).toEqual([{ actor: await rootKeyId(m.key), details: { merchant_id: m.id, mode: 'sandbox', scopes: ['read'], name: 'payments worker', self_service: true } }]);
    expect(JSON.stringify((await t.db.query('SELECT details FROM audit_log')).rows)).not.toContain(k.api_key);
  });

  it('replays the same key for the same Idempotency-Key, stored sealed, never in clear', async () => {
    const headers = { 'idempotency-key': `keys-${crypto.randomUUID()}` };
    const first = await create(m.key, { name: 'retry me', scopes: ['read', 'write'] }, headers);
    expect(first.statusCode, first.body).toBe(201);
    const again = await create(m.key, { name: 'retry me', scopes: ['read', 'write'] }, headers);
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
    const stored = await t.db.query<{ body: unknown; body_sealed: Buffer | null }>(
      "SELECT body, body_sealed FROM idempotency_keys WHERE path = '/v1/api_keys' AND key = $1", [headers['idempotency-key']]);
    expect(stored.rows).toHaveLength(1);
    expect(stored.rows[0]!.body_sealed).not.toBeNull();
    expect(JSON.stringify(stored.rows[0]!.body ?? null)).not.toContain(first.json().api_key);
    const reused = await create(m.key, { name: 'another body', scopes: ['read'] }, headers);
    expect(reused.statusCode).toBe(422);
    expect(reused.json().error.code).toBe('idempotency_key_reused');
  });

  it('works with a token of a keys:write key, and a restricted key may carry keys:write on', async () => {
    const token = (await t.app.inject({ method: 'POST', url: '/v1/auth/token', headers: bearer(m.key) })).json().token as string;
    const manager = await created(token, { name: 'key manager', scopes: ['read', 'keys:write'] });
    const grandchild = await created(manager.api_key, { name: 'reader', scopes: ['read'] });
    expect((await me(grandchild.api_key)).json().scopes).toEqual(['read']);
  });

  it('refuses scopes the calling key does not hold with 403 insufficient_scope naming the scope, and creates nothing', async () => {
    const before = (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM api_keys')).rows[0]!.n;
    const res = await create(m.key, { name: 'reveal', scopes: ['read', 'cards:reveal'] });
    expect(res.statusCode).toBe(403);
    expect(res.json().error).toMatchObject({ code: 'insufficient_scope', param: 'scopes.1' });
    const reader = await created(m.key, { name: 'narrow manager', scopes: ['keys:write'] });
    const wider = await create(reader.api_key, { name: 'wider', scopes: ['read'] });
    expect(wider.statusCode).toBe(403);
    expect(wider.json().error).toMatchObject({ code: 'insufficient_scope', param: 'scopes.0' });
    const after = (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM api_keys')).rows[0]!.n;
    expect(after).toBe(before + 1);
  });

  it('a live key with keys:write makes live keys; the operator is needed for the first one', async () => {
    await t.app.inject({ method: 'POST', url: `/admin/v1/merchants/${m.id}/live_access`, headers: adminHeaders });
    const live = await operatorKey(m.id, 'live', ['read', 'write', 'keys:write', 'cards:reveal']);
    const k = await created(live.api_key, { name: 'live reveal', scopes: ['read', 'cards:reveal'] });
    expect(k.mode).toBe('live');
    expect(k.api_key).toMatch(/^sk_live_/);
    expect((await me(k.api_key)).json()).toMatchObject({ mode: 'live', scopes: ['read', 'cards:reveal'] });
  });

  it.each([
    ['no name', { scopes: ['read'] }, 'name'],
    ['an empty name', { name: '', scopes: ['read'] }, 'name'],
    ['a blank name', { name: '   ', scopes: ['read'] }, 'name'],
    ['a name over 100 characters', { name: 'x'.repeat(101), scopes: ['read'] }, 'name'],
    ['a control character in the name', { name: 'bell\u0007', scopes: ['read'] }, 'name'],
    ['no scopes', { name: 'n' }, 'scopes'],
    ['empty scopes', { name: 'n', scopes: [] }, 'scopes'],
    ['an unknown scope', { name: 'n', scopes: ['admin'] }, 'scopes.0'],
    ['a repeated scope', { name: 'n', scopes: ['read', 'read'] }, 'scopes'],
    ['an unknown field', { name: 'n', scopes: ['read'], mode: 'live' }, 'mode'],
  ])('refuses %s with 400 naming the field, and creates nothing', async (_name, payload, param) => {
    const before = (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM api_keys')).rows[0]!.n;
    const res = await create(m.key, payload);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.param).toBe(param);
    expect((await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM api_keys')).rows[0]!.n).toBe(before);
  });

  it(`refuses a key over ${ACTIVE_KEYS_MAX} active ones per merchant and mode with 409; a revocation makes room`, async () => {
    const fresh = await createMerchant(t.app, 'Many keys');
    const active = (await t.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM api_keys WHERE merchant_id = $1 AND mode = 'sandbox' AND revoked_at IS NULL", [fresh.id])).rows[0]!.n;
    // Filled in directly: the limit is what is tested, not 99 requests.
    for (let i = active; i < ACTIVE_KEYS_MAX; i++) {
      await t.db.query(
        "INSERT INTO api_keys (id, merchant_id, mode, scopes, key_hash, key_prefix, created_at) VALUES ($1, $2, 'sandbox', '{read}', $3, 'sk_sandbox_fill', now())",
        [`apikey_fill${String(i).padStart(3, '0')}`, fresh.id, crypto.randomBytes(32)]);
    }
    const full = await create(fresh.key, { name: 'one too many', scopes: ['read'] });
    expect(full.statusCode).toBe(409);
    expect(full.json().error.code).toBe('conflict');
    // A live key of the same merchant would still have room: the limit is per mode.
    await t.db.query("UPDATE api_keys SET revoked_at = now() WHERE id = 'apikey_fill099'");
    expect((await create(fresh.key, { name: 'fits again', scopes: ['read'] })).statusCode).toBe(201);
  });
});

describe('GET /v1/api_keys', () => {
  it("lists the caller's mode's keys newest first, revoked ones included, never a secret, in pages", async () => {
    const merchant = await createMerchant(t.app, 'Lister');
    const a = await created(merchant.key, { name: 'a', scopes: ['read'] });
    const b = await created(merchant.key, { name: 'b', scopes: ['write'] });
    expect((await revoke(merchant.key, a.id)).statusCode).toBe(200);
    const res = await list(merchant.key);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ object: 'list', has_more: false });
    const rootId = await rootKeyId(merchant.key);
    expect(body.data.map((k: Key) => k.id)).toEqual([b.id, a.id, rootId]);
    expect(body.data[1].revoked_at).not.toBeNull();
    expect(body.data[0]).toMatchObject({ name: 'b', scopes: ['write'], mode: 'sandbox', merchant_id: merchant.id });
    expect(body.data[2].name).toBeNull();
    for (const secret of [a.api_key, b.api_key, merchant.key]) expect(res.body).not.toContain(secret);
    expect(res.body).not.toMatch(/sk_sandbox_[A-Za-z0-9_-]{43}/);
    const page1 = (await list(merchant.key, '?limit=2')).json();
    expect(page1.data.map((k: Key) => k.id)).toEqual([b.id, a.id]);
    expect(page1.has_more).toBe(true);
    const page2 = (await list(merchant.key, `?limit=2&starting_after=${a.id}`)).json();
    expect(page2.data.map((k: Key) => k.id)).toEqual([rootId]);
    expect(page2.has_more).toBe(false);
    const bad = await list(merchant.key, '?limit=101');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.param).toBe('limit');
  });
});

describe('DELETE /v1/api_keys/{id}', () => {
  it('revokes a key of the same mode: it and its tokens stop at once, though a request just cached its principal', async () => {
    const k = await created(m.key, { name: 'to revoke', scopes: ['read'] });
    const token = (await t.app.inject({ method: 'POST', url: '/v1/auth/token', headers: bearer(k.api_key) })).json().token as string;
    expect((await me(k.api_key)).statusCode).toBe(200); // cached now
    expect((await me(token)).statusCode).toBe(200);
    const res = await revoke(m.key, k.id);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ id: k.id, object: 'api_key', name: 'to revoke' });
    expect(res.json().revoked_at).not.toBeNull();
    for (const credential of [k.api_key, token]) {
      const after = await me(credential);
      expect(after.statusCode).toBe(401);
      expect(after.json().error.code).toBe('api_key_revoked');
    }
    const again = await revoke(m.key, k.id);
    expect(again.statusCode).toBe(200);
    expect(again.json().revoked_at).toBe(res.json().revoked_at);
    const audit = await auditRows('api_key.revoke', k.id);
    expect(audit).toEqual([{ actor: await rootKeyId(m.key), details: { merchant_id: m.id, mode: 'sandbox', self_service: true, own_key: false } }]);
  });

  it('lets the calling key revoke itself (rotation with one credential); its next request, a retry included, is 401', async () => {
    const old = await created(m.key, { name: 'old', scopes: ['read', 'write', 'keys:write'] });
    const next = await created(old.api_key, { name: 'new', scopes: ['read', 'write', 'keys:write'] });
    const headers = { 'idempotency-key': `rotate-${crypto.randomUUID()}` };
    const res = await revoke(old.api_key, old.id, headers);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().revoked_at).not.toBeNull();
    const retry = await revoke(old.api_key, old.id, headers);
    expect(retry.statusCode).toBe(401);
    expect(retry.json().error.code).toBe('api_key_revoked');
    expect((await me(next.api_key)).statusCode).toBe(200);
    expect((await auditRows('api_key.revoke', old.id))[0]!.details).toMatchObject({ own_key: true });
  });

  it('refuses to revoke a key that holds a scope the caller lacks (403), so a restricted key cannot lock out a stronger one', async () => {
    const narrow = await created(m.key, { name: 'narrow', scopes: ['read', 'keys:write'] });
    const rootId = await rootKeyId(m.key);
    const res = await revoke(narrow.api_key, rootId);
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('insufficient_scope');
    expect((await me(m.key)).statusCode).toBe(200);
    const peer = await created(m.key, { name: 'peer', scopes: ['read'] });
    expect((await revoke(narrow.api_key, peer.id)).statusCode).toBe(200);
  });

  it('answers 404 for an unknown or malformed id', async () => {
    for (const id of ['apikey_01m80jq3m4f25b04kxejzk5vqd', 'nope', 'mch_01m80jq3m4f25b04kxejzk5vqd']) {
      const res = await revoke(m.key, id);
      expect(res.statusCode, id).toBe(404);
      expect(res.json().error.code).toBe('resource_not_found');
    }
  });
});

describe('self-service keys: the shared security cases', () => {
  // No key, a wrong or malformed key, the admin token, and a key without keys:write, on every route: test/http/security.

  it("answers another merchant's key id with 404, as an unknown one, and never lists it", async () => {
    const theirs = await created(other.key, { name: 'theirs', scopes: ['read'] });
    const res = await revoke(m.key, theirs.id);
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('resource_not_found');
    expect((await me(theirs.api_key)).statusCode).toBe(200);
    const mine = await list(m.key, '?limit=100');
    expect(mine.json().data.map((k: Key) => k.merchant_id)).not.toContain(other.id);
    expect(mine.body).not.toContain(theirs.id);
  });

  it('keeps modes apart: a live key neither sees nor revokes sandbox keys, and a sandbox key neither sees nor revokes live ones', async () => {
    await t.app.inject({ method: 'POST', url: `/admin/v1/merchants/${m.id}/live_access`, headers: adminHeaders });
    const live = await operatorKey(m.id, 'live', ['read', 'write', 'keys:write']);
    const sandboxKey = await created(m.key, { name: 'sandbox one', scopes: ['read'] });
    const liveKey = await created(live.api_key, { name: 'live one', scopes: ['read'] });
    const onLive = await revoke(live.api_key, sandboxKey.id);
    expect(onLive.statusCode).toBe(404);
    const onSandbox = await revoke(m.key, liveKey.id);
    expect(onSandbox.statusCode).toBe(404);
    expect((await me(sandboxKey.api_key)).statusCode).toBe(200);
    expect((await me(liveKey.api_key)).statusCode).toBe(200);
    const liveList = (await list(live.api_key, '?limit=100')).json().data as Key[];
    expect(liveList.length).toBeGreaterThan(0);
    expect(liveList.every((k) => k.mode === 'live')).toBe(true);
    const sandboxList = (await list(m.key, '?limit=100')).json().data as Key[];
    expect(sandboxList.every((k) => k.mode === 'sandbox')).toBe(true);
  });
});
