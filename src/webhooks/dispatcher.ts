import { performance } from 'node:perf_hooks';
import { Webhook } from 'standardwebhooks';
import { startPassLoop, type Db, type Tx } from '../db/index.ts';
import type { KeyProvider } from '../crypto/keys.ts';
import type { Clock } from '../lib/clock.ts';
import { newId } from '../lib/ids.ts';
import { appendEvent } from '../events/index.ts';
import { signOutgoing } from '../signatures/index.ts';
import * as store from './store.ts';
import { openSecret } from './secrets.ts';
import { presentEndpoint, presentEvent } from './present.ts';
import { DISABLE_AFTER_MS, nextDelayMs, retryAfterMs } from './schedule.ts';
import { httpTransport, SendError, type Transport } from './transport.ts';
import { checkWebhookUrl, type Resolver } from './url.ts';
import type { StoredEvent, WebhookEndpoint } from './types.ts';

/** Why 10 s: the receiver should answer 2xx at once and work later; longer only ties up the dispatcher. */
export const DELIVERY_TIMEOUT_MS = 10_000;
/** Events fanned out per transaction, and transactions per pass: bounds one pass's work after a backlog. */
const FANOUT_BATCH = 100;
const FANOUT_BATCHES_PER_PASS = 10;
/** Deliveries claimed per pass; all are sent concurrently, so the lease only needs to cover one timeout. */
export const CLAIM_BATCH = 16;
/** The lease outlives one send by this much; a dispatcher that dies mid-send frees its deliveries after it. */
const LEASE_MARGIN_MS = 5_000;
/** Why 1 s: "immediately" in the retry schedule should mean about a second, and a pass with nothing due is one cheap query. */
export const DISPATCH_INTERVAL_MS = 1_000;

export interface DispatchLog {
  error(obj: object, msg: string): void;
}

export interface DispatchDeps {
  db: Db;
  clock: Clock;
  keys: KeyProvider;
  /** TESSERA_WEBHOOKS_ALLOW_PRIVATE: plain HTTP and private addresses (local development and tests). */
  allowPrivate: boolean;
  transport?: Transport;
  resolve?: Resolver;
  /** For the retry jitter; tests pass () => 0. */
  random?: () => number;
  timeoutMs?: number;
  log?: DispatchLog;
}

export interface DispatchResult {
  fannedOut: number;
  attempted: number;
  succeeded: number;
  failed: number;
}

interface Claimed {
  deliveryId: string;
  attempts: number;
  event: StoredEvent;
  endpoint: WebhookEndpoint & { deleted: boolean };
}

/** One pass: fan new events out, claim what is due, send it (outside any transaction), record each result. */
export async function dispatchOnce(deps: DispatchDeps): Promise<DispatchResult> {
  const fannedOut = await fanOut(deps);
  const claimed = await claim(deps);
  const results = await Promise.all(claimed.map((c) => deliver(deps, c)));
  return {
    fannedOut, attempted: results.filter((r) => r !== 'skipped').length,
    succeeded: results.filter((r) => r === 'succeeded').length, failed: results.filter((r) => r === 'failed').length,
  };
}

/** Make a delivery per subscribed endpoint for each event not yet fanned out; SKIP LOCKED lets instances share the work. */
async function fanOut(deps: DispatchDeps): Promise<number> {
  let total = 0;
  for (let i = 0; i < FANOUT_BATCHES_PER_PASS; i++) {
    const n = await deps.db.transaction(async (tx) => {
      const { rows } = await tx.query<{ id: string; merchant_id: string; mode: string; type: string }>(
        'SELECT id, merchant_id, mode, type FROM events WHERE dispatched_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED', [FANOUT_BATCH]);
      if (rows.length === 0) return 0;
      const now = deps.clock.now();
      const endpoints = await tx.query<{ id: string; merchant_id: string; mode: string; events: string[] }>(
        'SELECT id, merchant_id, mode, events FROM webhook_endpoints WHERE enabled AND deleted_at IS NULL AND merchant_id = ANY($1::text[])',
        [[...new Set(rows.map((r) => r.merchant_id))]]);
      const deliveries = rows.flatMap((ev) => endpoints.rows
        .filter((e) => e.merchant_id === ev.merchant_id && e.mode === ev.mode && (e.events.includes('*') || e.events.includes(ev.type)))
        .map((e) => ({ id: newId('webhookDelivery'), eventId: ev.id, endpointId: e.id })));
      await store.insertDeliveries(tx, deliveries, now);
      await tx.query('UPDATE events SET dispatched_at = $2 WHERE id = ANY($1::text[])', [rows.map((r) => r.id), now]);
      return rows.length;
    });
    total += n;
    if (n < FANOUT_BATCH) break;
  }
  return total;
}

async function claim(deps: DispatchDeps): Promise<Claimed[]> {
  const now = deps.clock.now();
  const leaseUntil = new Date(now.getTime() + (deps.timeoutMs ?? DELIVERY_TIMEOUT_MS) + LEASE_MARGIN_MS);
  return deps.db.transaction(async (tx) => {
    const { rows } = await tx.query<{ id: string; event_id: string; endpoint_id: string; attempts: number }>(
      `UPDATE webhook_deliveries d SET lease_until = $2, updated_at = $1
       FROM (SELECT id FROM webhook_deliveries
             WHERE status = 'pending' AND next_attempt_at <= $1 AND (lease_until IS NULL OR lease_until <= $1)
             ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED) due
       WHERE d.id = due.id
       RETURNING d.id, d.event_id, d.endpoint_id, d.attempts`, [now, leaseUntil, CLAIM_BATCH]);
    if (rows.length === 0) return [];
    const events = await tx.query<Parameters<typeof store.toEvent>[0]>(
      'SELECT id, merchant_id, mode, type, version, data, created_at FROM events WHERE id = ANY($1::text[])', [rows.map((r) => r.event_id)]);
    const endpoints = await tx.query<Parameters<typeof store.toEndpoint>[0] & { deleted_at: Date | null }>(
      'SELECT * FROM webhook_endpoints WHERE id = ANY($1::text[])', [rows.map((r) => r.endpoint_id)]);
    const eventById = new Map(events.rows.map((r) => [r.id, store.toEvent(r)]));
    const endpointById = new Map(endpoints.rows.map((r) => [r.id, { ...store.toEndpoint(r), deleted: r.deleted_at !== null }]));
    return rows.map((r) => ({ deliveryId: r.id, attempts: r.attempts, event: eventById.get(r.event_id)!, endpoint: endpointById.get(r.endpoint_id)! }));
  });
}

/** The Standard Webhooks headers: one `v1,` signature per live secret (two during a rotation). */
async function webhookHeaders(keys: KeyProvider, c: Claimed, body: string, now: Date): Promise<Record<string, string>> {
  const secrets = [await openSecret(keys, c.endpoint.id, c.endpoint.secretSealed)];
  const prev = c.endpoint.previousSecretSealed;
  if (prev && c.endpoint.previousSecretExpiresAt && c.endpoint.previousSecretExpiresAt > now) secrets.push(await openSecret(keys, c.endpoint.id, prev));
  return {
    'content-type': 'application/json',
    'user-agent': 'Tessera-Webhooks/1',
    // The event id: stable across retries and redeliveries, so receivers can deduplicate.
    'webhook-id': c.event.id,
    'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
    'webhook-signature': secrets.map((s) => new Webhook(s).sign(c.event.id, now, body)).join(' '),
  };
}

interface Outcome {
  statusCode: number | null;
  snippet: string | null;
  error: string | null;
  retryAfter: string | undefined;
}

async function deliver(deps: DispatchDeps, c: Claimed): Promise<'succeeded' | 'failed' | 'skipped'> {
  if (!c.endpoint.enabled || c.endpoint.deleted) {
    await deps.db.query("UPDATE webhook_deliveries SET status = 'cancelled', lease_until = NULL WHERE id = $1 AND status = 'pending'", [c.deliveryId]);
    return 'skipped';
  }
  const now = deps.clock.now();
  const body = JSON.stringify({ ...presentEvent(c.event), timestamp: c.event.createdAt.toISOString() });
  const started = performance.now();
  let outcome: Outcome;
  try {
    const headers = await signOutgoing(deps.keys, { method: 'POST', url: c.endpoint.url, headers: await webhookHeaders(deps.keys, c, body, now), body }, now);
    // Checked again at each send: DNS answers change after registration.
    const check = await checkWebhookUrl(c.endpoint.url, { allowPrivate: deps.allowPrivate, resolve: deps.resolve });
    if (!check.ok) {
      outcome = { statusCode: null, snippet: null, error: `blocked: the URL ${check.reason}`, retryAfter: undefined };
    } else {
      const res = await (deps.transport ?? httpTransport)({
        url: check.url, headers, body, timeoutMs: deps.timeoutMs ?? DELIVERY_TIMEOUT_MS, publicOnly: !deps.allowPrivate, resolve: deps.resolve,
      });
      const ra = res.headers['retry-after'];
      outcome = { statusCode: res.status, snippet: res.snippet, error: null, retryAfter: Array.isArray(ra) ? ra[0] : ra };
    }
  } catch (err) {
    outcome = { statusCode: null, snippet: null, error: err instanceof SendError ? `${err.kind}: ${err.message}` : 'error: the request could not be made', retryAfter: undefined };
    if (!(err instanceof SendError)) deps.log?.error({ err, delivery: c.deliveryId }, 'webhook send failed unexpectedly');
  }
  const latencyMs = Math.round(performance.now() - started);
  return deps.db.transaction((tx) => record(tx, deps, c, now, outcome, latencyMs));
}

async function record(tx: Tx, deps: DispatchDeps, c: Claimed, at: Date, o: Outcome, latencyMs: number): Promise<'succeeded' | 'failed'> {
  const attempt = c.attempts + 1;
  const ok = o.statusCode !== null && o.statusCode >= 200 && o.statusCode < 300;
  // Lock the endpoint first: concurrent results for one endpoint then queue here instead of deadlocking.
  const endpoint = await store.selectEndpoint(tx, c.endpoint, c.endpoint.id, true);
  await store.insertAttempt(tx, {
    id: newId('webhookAttempt'), deliveryId: c.deliveryId, endpointId: c.endpoint.id, eventId: c.event.id, attempt, attemptedAt: at,
    // PostgreSQL text cannot hold NUL; the snippet is for humans.
    statusCode: o.statusCode, latencyMs, responseBody: o.snippet?.replace(/\u0000/g, '') ?? null, error: o.error, succeeded: ok,
  });
  const setDelivery = (status: string, next: Date | null) => tx.query(
    `UPDATE webhook_deliveries SET status = $2, attempts = $3, next_attempt_at = COALESCE($4, next_attempt_at), lease_until = NULL, updated_at = $5
     WHERE id = $1 AND status = 'pending'`, [c.deliveryId, status, attempt, next, at]);
  if (ok) {
    await setDelivery('succeeded', null);
    if (endpoint?.failingSince) await store.updateEndpoint(tx, { ...endpoint, failingSince: null }, at);
    return 'succeeded';
  }
  if (o.statusCode === 410) {
    // 410 Gone: the receiver says this endpoint no longer exists (Standard Webhooks).
    await setDelivery('failed', null);
    if (endpoint?.enabled) await disableEndpoint(tx, endpoint, 'gone', at);
    return 'failed';
  }
  let delay = nextDelayMs(attempt, deps.random ?? Math.random);
  if (delay !== null && (o.statusCode === 429 || o.statusCode === 503)) delay = Math.max(delay, retryAfterMs(o.retryAfter, at) ?? 0);
  await setDelivery(delay === null ? 'failed' : 'pending', delay === null ? null : new Date(at.getTime() + delay));
  if (endpoint?.enabled) {
    const failingSince = endpoint.failingSince ?? at;
    if (at.getTime() - failingSince.getTime() >= DISABLE_AFTER_MS) await disableEndpoint(tx, endpoint, 'failing', at);
    else if (!endpoint.failingSince) await store.updateEndpoint(tx, { ...endpoint, failingSince }, at);
  }
  return 'failed';
}

/** Turn an endpoint off, cancel what was pending for it, and tell the merchant through the outbox. */
async function disableEndpoint(tx: Tx, endpoint: WebhookEndpoint, reason: 'failing' | 'gone', at: Date): Promise<void> {
  const updated = await store.updateEndpoint(tx, { ...endpoint, enabled: false, disabledReason: reason }, at);
  await store.cancelPending(tx, endpoint.id, at);
  await appendEvent(tx, {
    merchantId: endpoint.merchantId, mode: endpoint.mode, type: 'webhook_endpoint.disabled', object: presentEndpoint(updated),
    previous: { enabled: true, disabled_reason: null }, at,
  });
}

/** The delivery job: a pass loop (db/passes.ts) that goes again at once while a pass claims a full batch. */
export function startDispatcher(deps: DispatchDeps, intervalMs = DISPATCH_INTERVAL_MS): { stop(): void } {
  return startPassLoop({
    job: 'webhook-dispatch', intervalMs, log: deps.log,
    pass: async () => (await dispatchOnce(deps)).attempted >= CLAIM_BATCH,
  });
}
