import type { Queryable, Tx } from '../db/index.ts';
import { assert } from '../lib/assert.ts';
import type { Mode } from '../merchants/index.ts';
import {
  TOPUP_FAILURE_CODES, TOPUP_PROVIDER_NAMES, TOPUP_STATUSES, type Owner, type Topup, type TopupFailureCode, type TopupProduct,
  type TopupProductInput, type TopupProviderName, type TopupStatus,
} from './types.ts';

type ProductRow = {
  mode: Mode; country: string; operator: string; currency: string; denominations: bigint[] | null; min_amount: bigint | null;
  max_amount: bigint | null; wallet_currency: string; rate: string; fee_fixed: bigint; fee_percent_bps: number;
  provider_operator_id: string | null; updated_at: Date;
};

/** numeric(24,12) as text without its trailing zeros: 0.001700000000 → 0.0017, 1.000000000000 → 1. */
const trimRate = (text: string) => text.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');

const toProduct = (r: ProductRow): TopupProduct => ({
  mode: r.mode, country: r.country, operator: r.operator, currency: r.currency, denominations: r.denominations,
  minAmount: r.min_amount, maxAmount: r.max_amount, walletCurrency: r.wallet_currency, rate: trimRate(r.rate),
  feeFixed: r.fee_fixed, feePercentBps: r.fee_percent_bps, providerOperatorId: r.provider_operator_id, updatedAt: r.updated_at,
});

const PRODUCT_COLUMNS = `mode, country, operator, currency, denominations, min_amount, max_amount, wallet_currency, rate::text AS rate,
  fee_fixed, fee_percent_bps, provider_operator_id, updated_at`;

export async function selectProducts(q: Queryable, filter: { mode: Mode | null; country?: string }): Promise<TopupProduct[]> {
  const { rows } = await q.query<ProductRow>(
    `SELECT ${PRODUCT_COLUMNS} FROM topup_products WHERE ($1::text IS NULL OR mode = $1) AND ($2::text IS NULL OR country = $2)
     ORDER BY mode, country, operator`, [filter.mode, filter.country ?? null]);
  return rows.map(toProduct);
}

/** Operator names compare without regard to case: "mtn" finds "MTN". */
export async function selectProduct(q: Queryable, mode: Mode, country: string, operator: string): Promise<TopupProduct | null> {
  const { rows } = await q.query<ProductRow>(
    `SELECT ${PRODUCT_COLUMNS} FROM topup_products WHERE mode = $1 AND country = $2 AND lower(operator) = lower($3)
     ORDER BY operator LIMIT 1`, [mode, country, operator]);
  return rows[0] ? toProduct(rows[0]) : null;
}

/** The whole catalogue of a mode, replaced in one statement pair. */
export async function replaceProducts(tx: Tx, mode: Mode, products: readonly TopupProductInput[], at: Date): Promise<void> {
  await tx.query('DELETE FROM topup_products WHERE mode = $1', [mode]);
  for (const p of products) {
    await tx.query(
      `INSERT INTO topup_products (mode, country, operator, currency, denominations, min_amount, max_amount, wallet_currency, rate,
         fee_fixed, fee_percent_bps, provider_operator_id, updated_at)
       VALUES ($1, $2, $3, $4, $5::int8[], $6, $7, $8, $9::numeric, $10, $11, $12, $13)`,
      [mode, p.country, p.operator, p.currency, p.denominations, p.minAmount, p.maxAmount, p.walletCurrency, p.rate,
        p.feeFixed, p.feePercentBps, p.providerOperatorId, at]);
  }
}

type TopupRow = {
  id: string; merchant_id: string; mode: Mode; country: string; operator: string; provider_operator_id: string | null; phone: string;
  amount: bigint; currency: string; price: bigint; fee: bigint; wallet_currency: string; status: TopupStatus;
  failure_code: TopupFailureCode | null; failure_message: string | null; provider: TopupProviderName; provider_reference: string | null;
  attempts: number; submitted_at: Date | null; next_attempt_at: Date | null; completed_at: Date | null; created_at: Date; updated_at: Date;
};

function toTopup(r: TopupRow): Topup {
  // Decoding is where a corrupted row is caught, before it is acted on.
  assert(TOPUP_STATUSES.includes(r.status), `top-up ${r.id} has status ${r.status}`);
  assert(TOPUP_PROVIDER_NAMES.includes(r.provider), `top-up ${r.id} has provider ${r.provider}`);
  assert(r.failure_code === null || TOPUP_FAILURE_CODES.includes(r.failure_code), `top-up ${r.id} has failure code ${r.failure_code}`);
  return {
    id: r.id, merchantId: r.merchant_id, mode: r.mode, country: r.country, operator: r.operator, providerOperatorId: r.provider_operator_id,
    phone: r.phone, amount: r.amount, currency: r.currency, price: r.price, fee: r.fee, walletCurrency: r.wallet_currency, status: r.status,
    failureCode: r.failure_code, failureMessage: r.failure_message, provider: r.provider, providerReference: r.provider_reference,
    attempts: r.attempts, submittedAt: r.submitted_at, nextAttemptAt: r.next_attempt_at, completedAt: r.completed_at,
    createdAt: r.created_at, updatedAt: r.updated_at,
  };
}

export type NewTopup = Pick<Topup, 'id' | 'merchantId' | 'mode' | 'country' | 'operator' | 'providerOperatorId' | 'phone' | 'amount' |
  'currency' | 'price' | 'fee' | 'walletCurrency' | 'provider' | 'nextAttemptAt' | 'createdAt'>;

export async function insertTopup(tx: Tx, t: NewTopup): Promise<Topup> {
  const { rows } = await tx.query<TopupRow>(
    `INSERT INTO topups (id, merchant_id, mode, country, operator, provider_operator_id, phone, amount, currency, price, fee, wallet_currency,
       status, provider, next_attempt_at, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'pending', $13, $14, $15, $15) RETURNING *`,
    [t.id, t.merchantId, t.mode, t.country, t.operator, t.providerOperatorId, t.phone, t.amount, t.currency, t.price, t.fee,
      t.walletCurrency, t.provider, t.nextAttemptAt, t.createdAt]);
  return toTopup(rows[0]!);
}

export async function selectTopup(q: Queryable, owner: Owner, id: string, options: { forUpdate?: boolean } = {}): Promise<Topup | null> {
  const { rows } = await q.query<TopupRow>(
    `SELECT * FROM topups WHERE id = $1 AND merchant_id = $2 AND mode = $3${options.forUpdate ? ' FOR UPDATE' : ''}`,
    [id, owner.merchantId, owner.mode]);
  return rows[0] ? toTopup(rows[0]) : null;
}

/** Newest first, limit + 1 rows (the extra one says there is more). */
export async function selectTopups(
  q: Queryable, owner: Owner, filter: { status: TopupStatus | null }, limit: number, startingAfter: string | null,
): Promise<Topup[]> {
  const { rows } = await q.query<TopupRow>(
    `SELECT * FROM topups WHERE merchant_id = $1 AND mode = $2 AND ($3::text IS NULL OR status = $3) AND ($4::text IS NULL OR id < $4)
     ORDER BY id DESC LIMIT $5`, [owner.merchantId, owner.mode, filter.status, startingAfter, limit + 1]);
  return rows.map(toTopup);
}

/**
 * Claim pending top-ups that are due: each gets one more attempt and a lease
 * (its next attempt moves to `leaseUntil`), so a worker that dies mid-call
 * leaves it to be picked up again; SKIP LOCKED keeps two workers apart.
 * `submitted_at` is set here, before the provider is called, and the row says
 * whether it was already set: then the provider is asked before it is sent again.
 */
export async function claimDue(tx: Tx, now: Date, leaseUntil: Date, limit: number): Promise<(Topup & { resumed: boolean })[]> {
  const { rows } = await tx.query<TopupRow & { resumed: boolean }>(
    `WITH due AS (
       SELECT id, submitted_at IS NOT NULL AS resumed FROM topups
       WHERE status = 'pending' AND next_attempt_at <= $1 ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED)
     UPDATE topups t SET attempts = t.attempts + 1, next_attempt_at = $2, submitted_at = COALESCE(t.submitted_at, $1), updated_at = $1
     FROM due WHERE t.id = due.id RETURNING t.*, due.resumed`, [now, leaseUntil, limit]);
  return rows.map((r) => ({ ...toTopup(r), resumed: r.resumed }));
}

/** A pending top-up, locked, for resolving it; null when it is gone or no longer pending. */
export async function lockPending(tx: Tx, id: string): Promise<Topup | null> {
  const { rows } = await tx.query<TopupRow>("SELECT * FROM topups WHERE id = $1 AND status = 'pending' FOR UPDATE", [id]);
  return rows[0] ? toTopup(rows[0]) : null;
}

export async function markResolved(
  tx: Tx, id: string, outcome: { status: 'succeeded' } | { status: 'failed'; code: TopupFailureCode; message: string },
  reference: string | null, at: Date,
): Promise<Topup> {
  const { rows } = await tx.query<TopupRow>(
    `UPDATE topups SET status = $2, failure_code = $3, failure_message = $4, provider_reference = COALESCE($5, provider_reference),
       next_attempt_at = NULL, completed_at = $6, updated_at = $6
     WHERE id = $1 AND status = 'pending' RETURNING *`,
    [id, outcome.status, outcome.status === 'failed' ? outcome.code : null, outcome.status === 'failed' ? outcome.message : null, reference, at]);
  assert(rows[0], `top-up ${id} must be pending (and locked) when it is resolved`);
  return toTopup(rows[0]);
}

export async function reschedule(tx: Tx, id: string, nextAttemptAt: Date, reference: string | null, at: Date): Promise<void> {
  await tx.query(
    `UPDATE topups SET next_attempt_at = $2, provider_reference = COALESCE($3, provider_reference), updated_at = $4
     WHERE id = $1 AND status = 'pending'`, [id, nextAttemptAt, reference, at]);
}
