import type { Queryable, Tx } from '../db/index.ts';
import type { KeyProvider } from '../crypto/keys.ts';
import { DomainError, notFound } from '../lib/errors.ts';
import { isId, newId } from '../lib/ids.ts';
import type { ActionContext } from '../lib/context.ts';
import { toPage, type Page, type PageRequest } from '../lib/pagination.ts';
import * as store from './store.ts';
import { generateSecret, sealSecret, SECRET_OVERLAP_MS } from './secrets.ts';
import { checkWebhookUrl, type Resolver } from './url.ts';
import type { Attempt, Delivery, Owner, StoredEvent, WebhookEndpoint } from './types.ts';

export * from './types.ts';
export { dispatchOnce, startDispatcher, type DispatchDeps, type DispatchResult } from './dispatcher.ts';
export { checkWebhookUrl, isPublicAddress, WEBHOOK_URL_LENGTH_MAX, type Resolver } from './url.ts';
export { RETRY_SCHEDULE_MS, ATTEMPTS_MAX, DISABLE_AFTER_MS, nextDelayMs, retryAfterMs } from './schedule.ts';
export { SendError, httpTransport, type Transport, type SendRequest, type SendResult } from './transport.ts';
// Event payloads need these shapes here (the dispatcher sends them); http/presenters/webhooks.ts checks them against the API schemas.
export { presentDelivery, presentEndpoint, presentEvent } from './present.ts';

/** Why 16: one per consuming service plus staging copies; more usually means endpoints are never cleaned up. */
export const WEBHOOK_ENDPOINTS_MAX = 16;

export interface UrlPolicy {
  allowPrivate: boolean;
  resolve?: Resolver;
}

/**
 * Refuse a URL that is not HTTPS or reaches a private address, and answer it
 * normalised (`url.href`): store that, never the string as typed, so that what
 * is stored, checked and sent is one parse of the URL (`https://1.1.1.1\@127.0.0.1/`
 * is host 1.1.1.1 here, and must not reach a reader that parses it otherwise).
 * Call it before opening the transaction: it may wait on DNS, and no
 * transaction should wait on the network (PGlite has a single connection).
 */
export async function assertWebhookUrl(url: string, policy: UrlPolicy): Promise<string> {
  const check = await checkWebhookUrl(url, policy);
  if (!check.ok) throw new DomainError('parameter_invalid', `\`url\` ${check.reason}.`, 'url');
  return check.url.href;
}

function checkEvents(events: string[]): void {
  if (events.includes('*') && events.length > 1) throw new DomainError('parameter_invalid', '`events` is either ["*"] or a list of event types, not both.', 'events');
}

export interface EndpointInput {
  url: string;
  events: string[];
  description?: string;
}

/** The caller has checked `url` with assertWebhookUrl and passes the URL it answered. */
export async function createEndpoint(
  tx: Tx, keys: KeyProvider, owner: Owner, input: EndpointInput, ctx: ActionContext,
): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  checkEvents(input.events);
  if ((await store.countEndpoints(tx, owner)) >= WEBHOOK_ENDPOINTS_MAX) {
    throw new DomainError('conflict', `At most ${WEBHOOK_ENDPOINTS_MAX} webhook endpoints per merchant and mode; delete one first.`);
  }
  const id = newId('webhookEndpoint');
  const secret = generateSecret();
  const endpoint = await store.insertEndpoint(tx, {
    id, owner, url: input.url, description: input.description ?? null, events: [...new Set(input.events)],
    secretSealed: await sealSecret(keys, id, secret), at: ctx.at,
  });
  return { endpoint, secret };
}

export async function getEndpoint(q: Queryable, owner: Owner, id: string, forUpdate = false): Promise<WebhookEndpoint> {
  const endpoint = isId('webhookEndpoint', id) ? await store.selectEndpoint(q, owner, id, forUpdate) : null;
  if (!endpoint) throw notFound('webhook endpoint', 'id');
  return endpoint;
}

export async function listEndpoints(q: Queryable, owner: Owner, page: PageRequest): Promise<Page<WebhookEndpoint>> {
  return toPage(await store.selectEndpoints(q, owner, page.limit + 1, page.startingAfter), page.limit);
}

export interface EndpointPatch {
  url?: string;
  events?: string[];
  enabled?: boolean;
  description?: string | null;
}

/** The caller has checked a new `url` with assertWebhookUrl and passes the URL it answered. */
export async function updateEndpoint(tx: Tx, owner: Owner, id: string, patch: EndpointPatch, ctx: ActionContext): Promise<WebhookEndpoint> {
  const current = await getEndpoint(tx, owner, id, true);
  const next: WebhookEndpoint = { ...current };
  if (patch.url !== undefined) next.url = patch.url;
  if (patch.events !== undefined) {
    checkEvents(patch.events);
    next.events = [...new Set(patch.events)];
  }
  if (patch.description !== undefined) next.description = patch.description;
  if (patch.enabled === true && !current.enabled) {
    // A fresh start: the failure clock restarts with the next failure.
    Object.assign(next, { enabled: true, disabledReason: null, failingSince: null });
  } else if (patch.enabled === false && current.enabled) {
    Object.assign(next, { enabled: false, disabledReason: 'manual' });
    await store.cancelPending(tx, current.id, ctx.at);
  }
  return store.updateEndpoint(tx, next, ctx.at);
}

export async function deleteEndpoint(tx: Tx, owner: Owner, id: string, ctx: ActionContext): Promise<WebhookEndpoint> {
  const endpoint = await getEndpoint(tx, owner, id, true);
  await store.cancelPending(tx, endpoint.id, ctx.at);
  await store.softDeleteEndpoint(tx, endpoint.id, ctx.at);
  return endpoint;
}

/** A new secret; the current one keeps signing beside it for SECRET_OVERLAP_MS (an older previous one is dropped). */
export async function rotateSecret(tx: Tx, keys: KeyProvider, owner: Owner, id: string, ctx: ActionContext): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  const current = await getEndpoint(tx, owner, id, true);
  const secret = generateSecret();
  const endpoint = await store.updateEndpoint(tx, {
    ...current, secretSealed: await sealSecret(keys, current.id, secret), previousSecretSealed: current.secretSealed,
    previousSecretExpiresAt: new Date(ctx.at.getTime() + SECRET_OVERLAP_MS),
  }, ctx.at);
  return { endpoint, secret };
}

export async function getEvent(q: Queryable, owner: Owner, id: string): Promise<StoredEvent> {
  const event = isId('event', id) ? await store.selectEvent(q, owner, id) : null;
  if (!event) throw notFound('event', 'id');
  return event;
}

export async function listEvents(q: Queryable, owner: Owner, filter: { type?: string }, page: PageRequest): Promise<Page<StoredEvent>> {
  return toPage(await store.selectEvents(q, owner, filter.type ?? null, page.limit + 1, page.startingAfter), page.limit);
}

export async function listAttempts(q: Queryable, owner: Owner, endpointId: string, filter: { eventId?: string }, page: PageRequest): Promise<Page<Attempt>> {
  const endpoint = await getEndpoint(q, owner, endpointId);
  return toPage(await store.selectAttempts(q, endpoint.id, filter.eventId ?? null, page.limit + 1, page.startingAfter), page.limit);
}

/**
 * Send an event again, now: to one endpoint (subscribed or not, as long as
 * it is enabled) or to every enabled endpoint subscribed to its type. Each is
 * a new delivery with a fresh retry schedule and the same webhook-id.
 */
export async function redeliverEvent(tx: Tx, owner: Owner, eventId: string, endpointId: string | undefined, ctx: ActionContext): Promise<Delivery[]> {
  const event = await getEvent(tx, owner, eventId);
  let targets: WebhookEndpoint[];
  if (endpointId !== undefined) {
    const endpoint = await getEndpoint(tx, owner, endpointId).catch(() => {
      throw notFound('webhook endpoint', 'endpoint_id');
    });
    if (!endpoint.enabled) throw new DomainError('conflict', 'The webhook endpoint is disabled; enable it first (PATCH enabled: true).', 'endpoint_id');
    targets = [endpoint];
  } else {
    targets = await store.selectSubscribers(tx, owner, event.type);
  }
  return store.insertDeliveries(tx, targets.map((e) => ({ id: newId('webhookDelivery'), eventId: event.id, endpointId: e.id })), ctx.at);
}
