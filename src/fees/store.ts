import type { Queryable, Statement, Tx } from '../db/index.ts';
import { notFound } from '../lib/errors.ts';
import { parseRate } from '../lib/money.ts';
import type { FeeSchedule } from './index.ts';

export type AuthorizationMode = 'direct' | 'reserve';

export interface MoneySettings {
  feeSchedule: FeeSchedule;
  authorizationMode: AuthorizationMode;
  clearingToleranceBps: number;
  /** The operator suspended the merchant: its cards decline (`merchant_suspended`). */
  suspended: boolean;
}

type SettingsRow = {
  id: string; fee_schedule: FeeSchedule; authorization_mode: AuthorizationMode; clearing_tolerance_bps: number; suspended: boolean;
};

const toSettings = (r: SettingsRow): MoneySettings => ({
  feeSchedule: r.fee_schedule, authorizationMode: r.authorization_mode, clearingToleranceBps: r.clearing_tolerance_bps, suspended: r.suspended,
});

export async function moneySettings(q: Queryable, merchantIds: readonly string[]): Promise<Map<string, MoneySettings>> {
  const { rows } = await q.query<SettingsRow>(
    `SELECT id, fee_schedule, authorization_mode, clearing_tolerance_bps, suspended_at IS NOT NULL AS suspended
     FROM merchants WHERE id = ANY($1)`, [merchantIds]);
  return new Map(rows.map((r) => [r.id, toSettings(r)]));
}

export async function moneySettingsOf(q: Queryable, merchantId: string): Promise<MoneySettings> {
  const s = (await moneySettings(q, [merchantId])).get(merchantId);
  if (!s) throw notFound('merchant', 'id');
  return s;
}

export async function setMoneySettings(
  tx: Tx, merchantId: string, s: { feeSchedule?: FeeSchedule; authorizationMode?: AuthorizationMode; clearingToleranceBps?: number }, at: Date,
): Promise<MoneySettings> {
  const { rowCount } = await tx.query(
    `UPDATE merchants SET fee_schedule = COALESCE($2, fee_schedule), authorization_mode = COALESCE($3, authorization_mode),
       clearing_tolerance_bps = COALESCE($4, clearing_tolerance_bps), updated_at = $5 WHERE id = $1`,
    [merchantId, s.feeSchedule ? JSON.stringify(s.feeSchedule) : null, s.authorizationMode ?? null, s.clearingToleranceBps ?? null, at]);
  if (!rowCount) throw notFound('merchant', 'id');
  return moneySettingsOf(tx, merchantId);
}

export interface FxRate {
  from: string;
  to: string;
  rate: string;
}

export async function setFxRates(tx: Tx, rates: readonly FxRate[], at: Date): Promise<void> {
  for (const r of rates) {
    await tx.query(
      `INSERT INTO fx_rates (from_currency, to_currency, rate, updated_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (from_currency, to_currency) DO UPDATE SET rate = $3, updated_at = $4`, [r.from, r.to, r.rate, at]);
  }
}

export async function listFxRates(q: Queryable): Promise<(FxRate & { updatedAt: Date })[]> {
  const { rows } = await q.query<{ from_currency: string; to_currency: string; rate: string; updated_at: Date }>(
    'SELECT from_currency, to_currency, rate::text AS rate, updated_at FROM fx_rates ORDER BY from_currency, to_currency');
  return rows.map((r) => ({ from: r.from_currency, to: r.to_currency, rate: r.rate.replace(/\.?0+$/, ''), updatedAt: r.updated_at }));
}

/** The rate from → to as an exact fraction, or null when the operator has not set one. */
export async function fxRate(q: Queryable, from: string, to: string): Promise<{ num: bigint; den: bigint; text: string } | null> {
  const { rows } = await q.query<{ rate: string }>('SELECT rate::text AS rate FROM fx_rates WHERE from_currency = $1 AND to_currency = $2', [from, to]);
  if (!rows[0]) return null;
  const text = rows[0].rate.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
  const parsed = parseRate(text);
  return parsed ? { ...parsed, text } : null;
}

/** The merchants' money settings as one JSON array (a scalar subquery, for the authorization batch's single read). */
export function moneySettingsJsonSql(s: Statement, merchantIds: readonly string[]): string {
  return `(SELECT COALESCE(json_agg(json_build_object('id', id, 'fee_schedule', fee_schedule, 'authorization_mode', authorization_mode,
            'clearing_tolerance_bps', clearing_tolerance_bps, 'suspended', suspended_at IS NOT NULL)), '[]')
          FROM merchants WHERE id = ANY(${s.param(merchantIds, 'text[]')}))`;
}

export function parseMoneySettingsJson(rows: SettingsRow[]): Map<string, MoneySettings> {
  return new Map(rows.map((r) => [r.id, toSettings(r)]));
}

/** Every FX rate as one JSON array of `{k: "FROM>TO", rate}` (a scalar subquery). Rates are few: the operator's table. */
export function fxRatesJsonSql(): string {
  return `(SELECT COALESCE(json_agg(json_build_object('k', from_currency || '>' || to_currency, 'rate', rate::text)), '[]') FROM fx_rates)`;
}
