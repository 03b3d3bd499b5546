import type { Tx } from '../db/index.ts';
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
  'authorization.approved', 'authorization.declined', 'transaction.created', 'transaction.updated',
  'reservation.expired', 'wallet.updated', 'webhook_endpoint.disabled',
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
  const ids = events.map(() => newId('event'));
  await tx.query(
    `INSERT INTO events (id, merchant_id, mode, type, version, data, created_at)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::jsonb[], $7::timestamptz[])`,
    [ids, events.map((e) => e.merchantId), events.map((e) => e.mode), events.map((e) => e.type), events.map(() => EVENT_VERSION),
      events.map((e) => JSON.stringify(e.previous ? { object: e.object, previous_attributes: e.previous } : { object: e.object })),
      events.map((e) => e.at)]);
  return ids;
}
