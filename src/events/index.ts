import { Statement, type Tx } from '../db/index.ts';
import { newId } from '../lib/ids.ts';
import type { Mode } from '../merchants/index.ts';

/**
 * The transactional outbox (SPEC §8): an event row is written in the same
 * transaction as the change it reports, so an event exists if and only if the
 * change committed. Delivery reads these rows later.
 */
export const EVENT_TYPES = [
  'customer.created', 'customer.updated', 'kyc.updated', 'account.created',
  'card.created', 'card.updated', 'card.terminated',
  'topup.succeeded', 'topup.failed',
  'authorization.approved', 'authorization.declined', 'transaction.created', 'transaction.updated',
  'reservation.expired', 'wallet.updated', 'webhook_endpoint.disabled',
  'sms.delivered', 'sms.failed',
  'live_access_request.created', 'live_access_request.approved', 'live_access_request.rejected',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Bumped when a payload's shape changes incompatibly; consumers branch on it. */
export const EVENT_VERSION = 1;

export interface EventInput {
  merchantId: string;
  mode: Mode;
  type: EventType;
  /** The object as the API presents it (JSON-ready: no bigint, no Date). Never secrets. */
  object: Record<string, unknown>;
  /** For *.updated: the fields that changed and their previous values. */
  previous?: Record<string, unknown>;
  at: Date;
}

export async function appendEvent(tx: Tx, e: EventInput): Promise<string> {
  return (await appendEvents(tx, [e]))[0]!;
}

/** Many events with one statement (the authorization batch writes one per item). */
export async function appendEvents(tx: Tx, events: readonly EventInput[]): Promise<string[]> {
  if (events.length === 0) return [];
  const s = new Statement();
  const { sql, ids } = appendEventsSql(s, events);
  await tx.query(sql, s.params);
  return ids;
}

/** The INSERT of many events (one statement), for composing with other writes; and their ids. */
export function appendEventsSql(s: Statement, events: readonly EventInput[]): { sql: string; ids: string[] } {
  const ids = events.map(() => newId('event'));
  const sql = `INSERT INTO events (id, merchant_id, mode, type, version, data, created_at)
     SELECT * FROM unnest(${s.param(ids, 'text[]')}, ${s.param(events.map((e) => e.merchantId), 'text[]')}, ${s.param(events.map((e) => e.mode), 'text[]')},
       ${s.param(events.map((e) => e.type), 'text[]')}, ${s.param(events.map(() => EVENT_VERSION), 'int[]')},
       ${s.param(events.map((e) => JSON.stringify(e.previous ? { object: e.object, previous_attributes: e.previous } : { object: e.object })), 'jsonb[]')},
       ${s.param(events.map((e) => e.at), 'timestamptz[]')})`;
  return { sql, ids };
}
