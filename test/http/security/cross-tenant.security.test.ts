/**
 * The cross-tenant cases of every merchant operation in the OpenAPI document (STYLE.md example 7): merchant A
 * has one object of every kind (test/fixtures/security-world.ts); every route that names an object (path
 * parameter, `…_id` in its body, filter or cursor in its query) is called with A's object by merchant B's key,
 * and by A's own live key on A's sandbox objects. Each must answer exactly as it answers a well-formed id that
 * names nothing (same status, same body but for ids), never 2xx or 5xx, and A's data must be unchanged after
 * all of it. Lists must never show A's objects to B or to A's live key.
 *
 * The operator's routes have no tenant (the operator sees every merchant) and the KazePay gateway authenticates
 * by its signed envelope (its cross-tenant cases are in test/http/kazepay.test.ts): both are outside this file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, buildTestApp, createMerchant } from '../../harness.ts';
import { buildWorld, liveKey, operatorKey, type Resource } from '../../fixtures/security-world.ts';
import { knownScopes, openApi, operations, queryReferences, requestFor, unknownLike, type Operation, type Request } from './openapi.ts';

const t = await buildTestApp({ config: { webhooksAllowPrivate: true } });
afterAll(async () => t.close());
const doc = openApi(t.app);
const ops = operations(doc);
const scopes = knownScopes(ops);
const world = await buildWorld(t.app, 'Tenant A');
const b = await createMerchant(t.app, 'Tenant B');
const attackers = [
  { name: "merchant B's sandbox key", key: (await operatorKey(t.app, b.id, 'sandbox', scopes)).key, mode: 'sandbox' as const },
  { name: "merchant A's live key on A's sandbox objects", key: await liveKey(t.app, world.merchant.id, scopes), mode: 'live' as const },
];

/**
 * Routes that may answer a foreign id with something other than 404, each with why. Every one of them must
 * still answer exactly as for an unknown id, and change nothing of A's.
 */
const NOT_404: Record<string, { status: number; why: string }> = {
  'POST /v1/simulate/authorizations': {
    status: 200,
    why: 'a network authorization is always answered: declined `card_not_found`, as for a card that does not exist',
  },
};

/**
 * Objects that belong to the merchant and not to a mode, each with why: A's live key may see them, so the live
 * attacker skips them (merchant B never may).
 */
const MODE_INDEPENDENT: Partial<Record<Resource, string>> = {
  live_access_request: 'asked for with a sandbox key before live keys work, answered for the merchant (src/live-access/index.ts)',
};

/** Refusals that do not depend on the object named: a foreign id may get them, as an unknown id does. */
const OBJECT_INDEPENDENT = new Set(['sandbox_only']);

const merchantOps = ops.filter((o) => o.caller === 'merchant');
const referencing = merchantOps.filter((o) => requestFor(doc, o, (k) => world.ids[k], 'sandbox').used.length > 0);
const listing = merchantOps.filter((o) => o.method === 'GET' && !referencing.includes(o));

const allIds = Object.values(world.ids);
const idPattern = /\b[a-z][a-z0-9]*(?:_[a-z0-9]+)*_[0-9a-z]{26}\b/g;

/** A body with the parts that differ between any two calls replaced: ids, times, the request id. */
function normalized(body: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return body.replace(idPattern, '<id>');
  }
  return JSON.parse(JSON.stringify(parsed, (k, v) => {
    if (k === 'request_id' || k === 'requestId') return '<request>';
    if (typeof v === 'string') return v.replace(idPattern, '<id>').replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z/g, '<time>');
    return v;
  }));
}

const send = (r: Request, key: string) =>
  t.app.inject({ method: r.method, url: r.url, headers: bearer(key), ...(r.payload !== undefined ? { payload: r.payload as object } : {}) });

// ---------------------------------------------------------------------------
// A's data, before and after.

async function snapshot(): Promise<Record<string, string[]>> {
  const tables = (await t.db.query<{ table_name: string }>(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name",
  )).rows.map((r) => r.table_name);
  const columns = (await t.db.query<{ table_name: string; column_name: string }>(
    "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'",
  )).rows;
  const out: Record<string, string[]> = {};
  for (const table of tables) {
    if (table in CHANGES_ALLOWED) continue;
    const scoped = columns.some((c) => c.table_name === table && c.column_name === 'merchant_id');
    const rows = scoped
      ? (await t.db.query(`SELECT * FROM "${table}" WHERE merchant_id = $1`, [world.merchant.id])).rows
      : (await t.db.query(`SELECT * FROM "${table}"`)).rows;
    out[table] = rows.map((r) => JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))).sort();
  }
  return out;
}

/** Tables that other merchants' requests write to by design, each with why; A's rows in every other table must not move. */
const CHANGES_ALLOWED: Record<string, string> = {
  audit_log: "refused attempts are audited (coalesced per address and minute), as SPEC §5 asks; B's and not A's",
  pgmigrations: 'migration bookkeeping',
};

let before: Record<string, string[]>;
beforeAll(async () => {
  before = await snapshot();
  // The snapshot holds A's world, or it proves nothing.
  expect(Object.values(before).flat().filter((row) => row.includes(world.merchant.id)).length).toBeGreaterThan(30);
});

describe('the walk', () => {
  it('finds the routes that name objects, and the lists', () => {
    expect(referencing.length).toBeGreaterThan(30);
    expect(listing.length).toBeGreaterThan(10);
    // Every kind of object in the world is named by some route (a kind nothing names is dead fixture code).
    const named = new Set([
      ...referencing.flatMap((o) => requestFor(doc, o, (k) => world.ids[k], 'sandbox').used.map((u) => u.split('=')[1])),
      ...merchantOps.flatMap((o) => queryReferences(o).map((q) => q.kind)),
    ]);
    expect([...named].sort()).toEqual(Object.keys(world.ids).sort());
  });
});

describe.each(attackers)('$name', (attacker) => {
  const skipped = (kinds: string[]) => attacker.mode === 'live' && kinds.length > 0 && kinds.every((k) => k in MODE_INDEPENDENT);
  const kindsOf = (op: Operation) => requestFor(doc, op, (k) => world.ids[k], 'sandbox').used.map((u) => u.split('=')[1]!);
  const visible = allIds.filter((id) => attacker.mode === 'sandbox' || !Object.entries(world.ids).some(([k, v]) => v === id && k in MODE_INDEPENDENT));

  it.each(referencing.filter((o) => !skipped(kindsOf(o))).map((o) => [o.name, o] as const))("%s answers A's objects exactly as unknown ones", async (_name, op) => {
    const foreign = requestFor(doc, op, (k) => world.ids[k], attacker.mode);
    const unknownIds = new Map<Resource, string>();
    const unknown = requestFor(doc, op, (k) => {
      if (!unknownIds.has(k)) unknownIds.set(k, unknownLike(world.ids[k]));
      return unknownIds.get(k)!;
    }, attacker.mode);
    const a = await send(foreign, attacker.key);
    const u = await send(unknown, attacker.key);
    const what = `${op.name} (${foreign.used.join(', ')}) with ${attacker.name}: ${a.statusCode} ${a.body.slice(0, 400)}`;
    expect(a.statusCode, what).toBeLessThan(500);
    expect(a.statusCode, `${what}\n  unknown id: ${u.statusCode} ${u.body.slice(0, 400)}`).toBe(u.statusCode);
    expect(normalized(a.body), `${what}\n  unknown id: ${u.body.slice(0, 400)}`).toEqual(normalized(u.body));
    const code = (() => {
      try {
        return a.json().error?.code as string | undefined;
      } catch {
        return undefined;
      }
    })();
    const allowed = NOT_404[op.name];
    if (code && OBJECT_INDEPENDENT.has(code)) expect(a.statusCode, what).toBeGreaterThanOrEqual(400);
    else if (allowed) expect(a.statusCode, what).toBe(allowed.status);
    else expect(a.statusCode, what).toBe(404);
    for (const id of visible) expect(a.body, `${what}: shows A's ${id}`).not.toContain(id);
  });

  const queries = merchantOps.flatMap((o) => queryReferences(o).filter((q) => !skipped([q.kind])).map((q) => [`${o.name}?${q.name}`, o, q] as const));
  it.each(queries)("%s with A's object answers as with an unknown one, and shows nothing of A", async (_name, op, q) => {
    const base = requestFor(doc, op, (k) => world.ids[k], attacker.mode);
    const withParam = (id: string) => ({ ...base, url: `${base.url}${base.url.includes('?') ? '&' : '?'}${q.name}=${encodeURIComponent(id)}` });
    const a = await send(withParam(world.ids[q.kind]), attacker.key);
    const u = await send(withParam(unknownLike(world.ids[q.kind])), attacker.key);
    const what = `${op.name}?${q.name}=<A's ${q.kind}> with ${attacker.name}: ${a.statusCode} ${a.body.slice(0, 400)}`;
    expect(a.statusCode, what).toBeLessThan(500);
    expect(a.statusCode, `${what}\n  unknown id: ${u.statusCode} ${u.body.slice(0, 400)}`).toBe(u.statusCode);
    expect(normalized(a.body), what).toEqual(normalized(u.body));
    for (const id of visible) expect(a.body, `${what}: shows A's ${id}`).not.toContain(id);
  });

  it.each(listing.map((o) => [o.name, o] as const))('%s lists nothing of A', async (_name, op) => {
    const r = requestFor(doc, op, (k) => world.ids[k], attacker.mode);
    const res = await send({ ...r, url: r.url.includes('?') ? `${r.url}&limit=100` : `${r.url}?limit=100` }, attacker.key);
    const plain = res.statusCode === 400 ? await send(r, attacker.key) : res;
    expect(plain.statusCode, `${op.name}: ${plain.body.slice(0, 300)}`).toBeLessThan(500);
    for (const id of visible) expect(plain.body, `${op.name} with ${attacker.name} shows A's ${id}`).not.toContain(id);
  });
});

it("changed nothing of A's", async () => {
  const after = await snapshot();
  const changed = Object.keys({ ...before, ...after }).filter((table) => JSON.stringify(before[table]) !== JSON.stringify(after[table]));
  const detail = changed.map((table) => {
    const gone = (before[table] ?? []).filter((r) => !(after[table] ?? []).includes(r));
    const added = (after[table] ?? []).filter((r) => !(before[table] ?? []).includes(r));
    return `${table}: -${gone.length} +${added.length}\n  - ${gone.slice(0, 3).join('\n  - ')}\n  + ${added.slice(0, 3).join('\n  + ')}`;
  });
  expect(changed, detail.join('\n')).toEqual([]);
});
