import { Statement, type Queryable, type Tx } from '../db/index.ts';
import { toJsonNumber } from '../lib/money.ts';
import { NETWORK_COLUMNS, networkFromRow, networkValues, type MerchantInfo, type NetworkIds } from '../transactions/index.ts';
import type { DeclineReason } from './types.ts';

export type AuthorizationStatus = 'pending' | 'closed' | 'declined' | 'reversed' | 'expired';

export interface Authorization {
  id: string;
  merchantId: string;
  mode: 'sandbox' | 'live';
  cardId: string | null;
  customerId: string | null;
  status: AuthorizationStatus;
  currency: string;
  requestedAmount: bigint;
  approvedAmount: bigint;
  heldAmount: bigint;
  feeHeld: bigint;
  clearedAmount: bigint;
  feeCharged: bigint;
  refundedAmount: bigint;
  merchantAmount: bigint;
  merchantCurrency: string;
  fxRate: string | null;
  merchant: MerchantInfo;
  source: 'available' | 'reserve';
  decisionSource: 'tessera' | 'merchant' | 'fallback';
  declineReason: DeclineReason | null;
  responseCode: string;
  holdSeq: number;
  expiresAt: Date | null;
  /** The ISO 8583 message that asked for it, when one did. */
  network: NetworkIds | null;
  createdAt: Date;
  updatedAt: Date;
}

type Row = {
  id: string; merchant_id: string; mode: 'sandbox' | 'live'; card_id: string | null; customer_id: string | null; status: AuthorizationStatus;
  currency: string; requested_amount: bigint; approved_amount: bigint; held_amount: bigint; fee_held: bigint; cleared_amount: bigint;
  fee_charged: bigint; refunded_amount: bigint; merchant_amount: bigint; merchant_currency: string; fx_rate: string | null; merchant: MerchantInfo;
  source: 'available' | 'reserve'; decision_source: 'tessera' | 'merchant' | 'fallback'; decline_reason: DeclineReason | null;
  response_code: string; hold_seq: number; expires_at: Date | null; created_at: Date; updated_at: Date;
} & Partial<Record<(typeof NETWORK_COLUMNS)[number], string | null>>;

export const toAuthorization = (r: Row): Authorization => ({
  id: r.id, merchantId: r.merchant_id, mode: r.mode, cardId: r.card_id, customerId: r.customer_id, status: r.status, currency: r.currency,
  requestedAmount: r.requested_amount, approvedAmount: r.approved_amount, heldAmount: r.held_amount, feeHeld: r.fee_held,
  clearedAmount: r.cleared_amount, feeCharged: r.fee_charged, refundedAmount: r.refunded_amount, merchantAmount: r.merchant_amount,
  merchantCurrency: r.merchant_currency, fxRate: r.fx_rate === null ? null : r.fx_rate.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, ''),
  merchant: r.merchant, source: r.source, decisionSource: r.decision_source, declineReason: r.decline_reason, responseCode: r.response_code,
  holdSeq: r.hold_seq, expiresAt: r.expires_at, network: networkFromRow(r), createdAt: r.created_at, updatedAt: r.updated_at,
});

const API_STATUS = { pending: 'approved', closed: 'closed', declined: 'declined', reversed: 'reversed', expired: 'expired' } as const satisfies Record<AuthorizationStatus, string>;

export function presentAuthorization(a: Authorization) {
  return {
    id: a.id, object: 'authorization' as const, card_id: a.cardId, status: API_STATUS[a.status],
    amount: toJsonNumber(a.requestedAmount), approved_amount: toJsonNumber(a.approvedAmount), held_amount: toJsonNumber(a.heldAmount),
    cleared_amount: toJsonNumber(a.clearedAmount), refunded_amount: toJsonNumber(a.refundedAmount),
    fee: toJsonNumber(a.status === 'closed' ? a.feeCharged : a.feeHeld), currency: a.currency,
    merchant_amount: toJsonNumber(a.merchantAmount), merchant_currency: a.merchantCurrency, fx_rate: a.fxRate,
    merchant: a.merchant, partial: a.status !== 'declined' && a.approvedAmount < a.requestedAmount,
    funding_source: a.source, decision_source: a.decisionSource, decline_reason: a.declineReason, response_code: a.responseCode,
    livemode: a.mode === 'live', expires_at: a.expiresAt?.toISOString() ?? null,
    created_at: a.createdAt.toISOString(), updated_at: a.updatedAt.toISOString(),
  };
}

export type PresentedAuthorization = ReturnType<typeof presentAuthorization>;

const COLS = ['id', 'merchant_id', 'mode', 'card_id', 'customer_id', 'status', 'currency', 'requested_amount', 'approved_amount', 'held_amount',
  'fee_held', 'merchant_amount', 'merchant_currency', 'fx_rate', 'merchant', 'source', 'decision_source', 'decline_reason', 'response_code',
  'hold_seq', 'expires_at', 'created_at', 'updated_at', ...NETWORK_COLUMNS] as const;

/** Insert many authorizations with one statement. */
export async function insertAuthorizations(tx: Tx, items: readonly Authorization[]): Promise<void> {
  if (items.length === 0) return;
  const s = new Statement();
  await tx.query(insertAuthorizationsSql(s, items), s.params);
}

/**
 * The INSERT of many authorizations (one statement), for composing with other
 * writes: one array per column (unnest), so the statement's text and plan do
 * not grow with the batch.
 */
export function insertAuthorizationsSql(s: Statement, items: readonly Authorization[]): string {
  const col = <T>(f: (a: Authorization) => T, cast: string) => s.param(items.map(f), cast);
  return `INSERT INTO authorizations (${COLS.join(', ')})
    SELECT * FROM unnest(${[
    col((a) => a.id, 'text[]'), col((a) => a.merchantId, 'text[]'), col((a) => a.mode, 'text[]'), col((a) => a.cardId, 'text[]'),
    col((a) => a.customerId, 'text[]'), col((a) => a.status, 'text[]'), col((a) => a.currency, 'text[]'), col((a) => a.requestedAmount, 'int8[]'),
    col((a) => a.approvedAmount, 'int8[]'), col((a) => a.heldAmount, 'int8[]'), col((a) => a.feeHeld, 'int8[]'), col((a) => a.merchantAmount, 'int8[]'),
    col((a) => a.merchantCurrency, 'text[]'), col((a) => a.fxRate, 'numeric[]'), col((a) => JSON.stringify(a.merchant), 'jsonb[]'),
    col((a) => a.source, 'text[]'), col((a) => a.decisionSource, 'text[]'), col((a) => a.declineReason, 'text[]'), col((a) => a.responseCode, 'text[]'),
    col((a) => a.holdSeq, 'int4[]'), col((a) => a.expiresAt, 'timestamptz[]'), col((a) => a.createdAt, 'timestamptz[]'), col((a) => a.updatedAt, 'timestamptz[]'),
    ...NETWORK_COLUMNS.map((_, i) => col((a) => networkValues(a.network)[i], 'text[]')),
  ].join(', ')})`;
}

/**
 * A card's authorization that an ISO 8583 message created, found by the ids
 * DE 90 names: STAN, DE 7 and the acquirer id (zero-filled to 11 digits there).
 */
export async function selectNetworkOriginal(
  q: Queryable, owner: { merchantId: string; mode: string }, cardId: string, original: { stan: string; transmitted: string; acquirerId11: string },
) {
  const { rows } = await q.query<Row>(
    `SELECT * FROM authorizations WHERE card_id = $1 AND network_stan = $2 AND network_transmitted = $3
       AND lpad(network_acquirer_id, 11, '0') = $4 AND merchant_id = $5 AND mode = $6
     ORDER BY id LIMIT 1`,
    [cardId, original.stan, original.transmitted, original.acquirerId11, owner.merchantId, owner.mode]);
  return rows[0] ? toAuthorization(rows[0]) : null;
}

export async function selectAuthorization(q: Queryable, owner: { merchantId: string; mode: string }, id: string, forUpdate = false) {
  const { rows } = await q.query<Row>(
    `SELECT * FROM authorizations WHERE id = $1 AND merchant_id = $2 AND mode = $3${forUpdate ? ' FOR UPDATE' : ''}`, [id, owner.merchantId, owner.mode]);
  return rows[0] ? toAuthorization(rows[0]) : null;
}

export async function updateAuthorization(tx: Tx, id: string, set: Record<string, unknown>, at: Date): Promise<Authorization> {
  const cols = Object.keys(set);
  const { rows } = await tx.query<Row>(
    `UPDATE authorizations SET ${cols.map((k, i) => `${k} = $${i + 2}`).join(', ')}, updated_at = $${cols.length + 2} WHERE id = $1 RETURNING *`,
    [id, ...cols.map((k) => set[k]), at]);
  return toAuthorization(rows[0]!);
}

/** Pending authorizations whose hold is due: 7 days, or 30 days after their card was terminated, whichever is later. */
export async function selectDueAuthorizations(q: Queryable, now: Date, merchantId: string | null, limit: number): Promise<Row[]> {
  const { rows } = await q.query<Row>(
    `SELECT a.* FROM authorizations a JOIN cards c ON c.id = a.card_id
     WHERE a.status = 'pending' AND a.expires_at <= $1 AND ($2::text IS NULL OR a.merchant_id = $2)
       AND (c.terminated_at IS NULL OR c.terminated_at + interval '30 days' <= $1)
     ORDER BY a.card_id, a.id LIMIT $3`, [now, merchantId, limit]);
  return rows;
}
