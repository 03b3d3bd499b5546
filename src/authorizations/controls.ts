import type { Queryable, Statement, Tx } from '../db/index.ts';
import { DomainError } from '../lib/errors.ts';
import { isCountryCode } from '../lib/countries.ts';
import { EMPTY_TOTALS, type SpendingControls, type WindowTotals } from './types.ts';

/**
 * Calendar windows in UTC (documented in the API): the day from 00:00, the
 * ISO week from Monday 00:00, the month from the 1st, the year from 1 January.
 */
export function windowStarts(now: Date) {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  const d = now.getUTCDate();
  const daily = new Date(Date.UTC(y, m, d));
  const weekday = (now.getUTCDay() + 6) % 7; // Monday = 0
  return { daily, weekly: new Date(Date.UTC(y, m, d - weekday)), monthly: new Date(Date.UTC(y, m, 1)), yearly: new Date(Date.UTC(y, 0, 1)) };
}

export function checkControlValues(c: SpendingControls): void {
  for (const key of ['allowed_mccs', 'blocked_mccs'] as const) {
    for (const [i, mcc] of (c[key] ?? []).entries()) {
      if (!/^\d{4}$/.test(mcc)) throw new DomainError('parameter_invalid', `\`${key}.${i}\` must be a 4-digit MCC.`, `${key}.${i}`);
    }
  }
  for (const [i, country] of (c.blocked_countries ?? []).entries()) {
    if (!isCountryCode(country)) throw new DomainError('parameter_invalid', `\`blocked_countries.${i}\` must be an ISO 3166-1 alpha-2 code.`, `blocked_countries.${i}`);
  }
}

export async function setControls(
  tx: Tx, owner: { merchantId: string; mode: string }, ownerType: 'card' | 'customer', ownerId: string, controls: SpendingControls, at: Date,
): Promise<void> {
  checkControlValues(controls);
  await tx.query(
    `INSERT INTO spending_controls (merchant_id, mode, owner_type, owner_id, controls, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (owner_type, owner_id) DO UPDATE SET controls = $5, updated_at = $6`,
    [owner.merchantId, owner.mode, ownerType, ownerId, JSON.stringify(controls), at]);
}

export async function getControls(q: Queryable, ownerType: 'card' | 'customer', ownerId: string): Promise<SpendingControls> {
  const { rows } = await q.query<{ controls: SpendingControls }>('SELECT controls FROM spending_controls WHERE owner_type = $1 AND owner_id = $2', [ownerType, ownerId]);
  return rows[0]?.controls ?? {};
}

/** Controls of the given cards and of their customers, in one query (the batch does not know the customers yet). */
export async function loadControlsForCards(q: Queryable, cardIds: readonly string[]) {
  const { rows } = await q.query<{ owner_type: 'card' | 'customer'; owner_id: string; controls: SpendingControls }>(
    `SELECT owner_type, owner_id, controls FROM spending_controls
     WHERE (owner_type = 'card' AND owner_id = ANY($1))
        OR (owner_type = 'customer' AND owner_id IN (SELECT customer_id FROM cards WHERE id = ANY($1)))`, [cardIds]);
  const card = new Map<string, SpendingControls>();
  const customer = new Map<string, SpendingControls>();
  for (const r of rows) (r.owner_type === 'card' ? card : customer).set(r.owner_id, r.controls);
  return { card, customer };
}

/**
 * What each card (or customer) has spent in each window: approved
 * authorizations by their current amount (cleared, or still held), and
 * today's count of approvals. One query for any number of owners.
 */
export async function spendTotals(q: Queryable, by: 'card' | 'customer', ids: readonly string[], now: Date): Promise<Map<string, WindowTotals>> {
  const out = new Map<string, WindowTotals>();
  if (ids.length === 0) return out;
  const w = windowStarts(now);
  const column = by === 'card' ? 'card_id' : 'customer_id';
  const { rows } = await q.query<{ owner: string; daily: bigint; weekly: bigint; monthly: bigint; yearly: bigint; all_time: bigint; daily_count: number }>(
    `SELECT ${column} AS owner,
       COALESCE(sum(v) FILTER (WHERE created_at >= $2), 0)::int8 AS daily,
       COALESCE(sum(v) FILTER (WHERE created_at >= $3), 0)::int8 AS weekly,
       COALESCE(sum(v) FILTER (WHERE created_at >= $4), 0)::int8 AS monthly,
       COALESCE(sum(v) FILTER (WHERE created_at >= $5), 0)::int8 AS yearly,
       COALESCE(sum(v), 0)::int8 AS all_time,
       (count(*) FILTER (WHERE created_at >= $2))::int AS daily_count
     FROM (SELECT ${column}, created_at,
             CASE status WHEN 'closed' THEN cleared_amount WHEN 'pending' THEN held_amount ELSE 0 END AS v
           FROM authorizations WHERE ${column} = ANY($1) AND status IN ('pending', 'closed')) s
     GROUP BY ${column}`, [ids, w.daily, w.weekly, w.monthly, w.yearly]);
  for (const r of rows) out.set(r.owner, { daily: r.daily, weekly: r.weekly, monthly: r.monthly, yearly: r.yearly, all_time: r.all_time, daily_count: r.daily_count });
  for (const id of ids) if (!out.has(id)) out.set(id, { ...EMPTY_TOTALS });
  return out;
}

/** Add an approval to running totals (the batch decides items in order on these). */
export function addSpend(t: WindowTotals, amount: bigint): WindowTotals {
  return { daily: t.daily + amount, weekly: t.weekly + amount, monthly: t.monthly + amount, yearly: t.yearly + amount, all_time: t.all_time + amount, daily_count: t.daily_count + 1 };
}

/** Of the customers a subquery names, those with spending controls of their own: the batch locks only these. */
export function controlledCustomersSql(customerIdsSubquery: string): string {
  return `SELECT owner_id FROM spending_controls WHERE owner_type = 'customer' AND owner_id IN (${customerIdsSubquery})`;
}

/** The controls of some cards and of some customers (a subquery each), as one JSON array (a scalar subquery). */
export function controlsJsonSql(s: Statement, cardIds: readonly string[], customerIdsSubquery: string): string {
  return `(SELECT COALESCE(json_agg(json_build_object('owner_type', owner_type, 'owner_id', owner_id, 'controls', controls)), '[]')
          FROM spending_controls
          WHERE (owner_type = 'card' AND owner_id = ANY(${s.param(cardIds, 'text[]')}))
             OR (owner_type = 'customer' AND owner_id IN (${customerIdsSubquery})))`;
}

/** One spend window set to read: an owner (card or customer id) as seen on one day, under its key. */
export interface SpendWindow {
  key: string;
  ownerId: string;
  now: Date;
}

/**
 * Spend per (owner, day) as one JSON array (a scalar subquery): each row
 * sums that owner's approved authorizations in the calendar windows of its
 * own day, so items at different times (sandbox clocks) in one batch each see
 * their own windows. `owners` is either the windows themselves or, for
 * customers, a subquery of `(card_id, customer_id)` pairs that turns card
 * windows into their holders' windows.
 */
export function spendJsonSql(s: Statement, by: 'card' | 'customer', windows: readonly SpendWindow[], holders?: string): string {
  const starts = windows.map((w) => windowStarts(w.now));
  const column = by === 'card' ? 'card_id' : 'customer_id';
  const unnested = `unnest(${s.param(windows.map((w) => w.key.split('@')[1]!), 'text[]')}, ${s.param(windows.map((w) => w.ownerId), 'text[]')},
      ${s.param(starts.map((w) => w.daily), 'timestamptz[]')}, ${s.param(starts.map((w) => w.weekly), 'timestamptz[]')},
      ${s.param(starts.map((w) => w.monthly), 'timestamptz[]')}, ${s.param(starts.map((w) => w.yearly), 'timestamptz[]')}) AS w(day, owner, d, wk, mo, yr)`;
  // Customer windows arrive keyed by card: each card's holder gets the card's day. Only owners with spending
  // controls need their spend (summing a card's whole history costs more as it grows); the others read nothing.
  const controlled = `EXISTS (SELECT 1 FROM spending_controls sc WHERE sc.owner_type = '${by}' AND sc.owner_id = `;
  const owners = by === 'card'
    ? `SELECT DISTINCT owner, day, d, wk, mo, yr FROM ${unnested} WHERE ${controlled}w.owner)`
    : `SELECT DISTINCT h.customer_id AS owner, w.day, w.d, w.wk, w.mo, w.yr FROM ${unnested} JOIN (${holders}) h ON h.card_id = w.owner
       WHERE ${controlled}h.customer_id)`;
  // LATERAL: each (owner, day) sums its own rows through the (owner, created_at) index, never a scan of every authorization.
  return `(SELECT COALESCE(json_agg(json_build_object('key', o.owner || '@' || o.day, 'daily', t.daily::text, 'weekly', t.weekly::text,
            'monthly', t.monthly::text, 'yearly', t.yearly::text, 'all_time', t.all_time::text, 'daily_count', t.daily_count)), '[]')
          FROM (${owners}) o
          CROSS JOIN LATERAL (
            SELECT COALESCE(sum(a.v) FILTER (WHERE a.created_at >= o.d), 0) AS daily,
                   COALESCE(sum(a.v) FILTER (WHERE a.created_at >= o.wk), 0) AS weekly,
                   COALESCE(sum(a.v) FILTER (WHERE a.created_at >= o.mo), 0) AS monthly,
                   COALESCE(sum(a.v) FILTER (WHERE a.created_at >= o.yr), 0) AS yearly,
                   COALESCE(sum(a.v), 0) AS all_time,
                   count(*) FILTER (WHERE a.created_at >= o.d) AS daily_count
            FROM (SELECT created_at, CASE status WHEN 'closed' THEN cleared_amount WHEN 'pending' THEN held_amount ELSE 0 END AS v
                  FROM authorizations WHERE ${column} = o.owner AND status IN ('pending', 'closed')) a) t)`;
}

export interface SpendJson { key: string; daily: string; weekly: string; monthly: string; yearly: string; all_time: string; daily_count: number }

export function parseSpendJson(rows: readonly SpendJson[]): Map<string, WindowTotals> {
  return new Map(rows.map((r) => [r.key, {
    daily: BigInt(r.daily), weekly: BigInt(r.weekly), monthly: BigInt(r.monthly), yearly: BigInt(r.yearly), all_time: BigInt(r.all_time), daily_count: r.daily_count,
  }]));
}
