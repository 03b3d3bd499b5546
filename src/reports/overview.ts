import type { Queryable } from '../db/index.ts';

/**
 * The operator's overview: counts across every merchant and mode, for the dashboard's first page.
 * Read-only aggregates over indexed columns; the windows are bounded so that the cost does not grow with history.
 */

/** Why 24 hours: the chart shows a day, hour by hour. */
export const OVERVIEW_HOURS = 24;
/** Why 10: the reasons that matter; the long tail is in the transactions list. */
export const DECLINE_REASONS_MAX = 10;

export interface Overview {
  merchants: { total: number; suspended: number; liveAccess: number };
  cardsByStatus: Array<{ status: string; count: number }>;
  /** One entry per hour of the window, oldest first, empty hours included. */
  authorizationsPerHour: Array<{ hour: Date; approved: number; declined: number }>;
  declineReasons: Array<{ reason: string; count: number }>;
  kycWaiting: number;
}

export async function overview(db: Queryable, now: Date): Promise<Overview> {
  const end = new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000 + 3_600_000);
  const start = new Date(end.getTime() - OVERVIEW_HOURS * 3_600_000);
  const merchants = await db.query<{ total: string; suspended: string; live: string }>(
    `SELECT count(*)::text AS total, count(*) FILTER (WHERE suspended_at IS NOT NULL)::text AS suspended,
            count(*) FILTER (WHERE live_access)::text AS live FROM merchants`);
  const cards = await db.query<{ status: string; n: string }>('SELECT status, count(*)::text AS n FROM cards GROUP BY status ORDER BY status');
  const hours = await db.query<{ h: Date; approved: string; declined: string }>(
    `SELECT date_trunc('hour', created_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS h,
            count(*) FILTER (WHERE status <> 'declined')::text AS approved, count(*) FILTER (WHERE status = 'declined')::text AS declined
       FROM authorizations WHERE created_at >= $1 AND created_at < $2 GROUP BY 1`, [start, end]);
  const reasons = await db.query<{ reason: string; n: string }>(
    `SELECT coalesce(decline_reason, 'unknown') AS reason, count(*)::text AS n FROM authorizations
      WHERE status = 'declined' AND created_at >= $1 AND created_at < $2 GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT ${DECLINE_REASONS_MAX}`, [start, end]);
  const kyc = await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM customers WHERE kyc_status = 'WAITING_KYC'`);
  const byHour = new Map(hours.rows.map((r) => [new Date(r.h).getTime(), r]));
  const perHour = [];
  for (let t = start.getTime(); t < end.getTime(); t += 3_600_000) {
    const row = byHour.get(t);
    perHour.push({ hour: new Date(t), approved: Number(row?.approved ?? 0), declined: Number(row?.declined ?? 0) });
  }
  const m = merchants.rows[0]!;
  return {
    merchants: { total: Number(m.total), suspended: Number(m.suspended), liveAccess: Number(m.live) },
    cardsByStatus: cards.rows.map((r) => ({ status: r.status, count: Number(r.n) })),
    authorizationsPerHour: perHour,
    declineReasons: reasons.rows.map((r) => ({ reason: r.reason, count: Number(r.n) })),
    kycWaiting: Number(kyc.rows[0]!.n),
  };
}
