import type { Queryable } from '../db/index.ts';
import type { Address } from '../customers/index.ts';
import type { CardStatus } from './state.ts';
import type { Brand, Card, CardFilter, CardType, ShipmentStatus, Tier } from './types.ts';

export type CardRow = {
  id: string; merchant_id: string; mode: Card['mode']; account_id: string; customer_id: string; type: CardType; brand: Brand;
  status: CardStatus; tier: Tier; currency: string; pan_sealed: Buffer; bin: string; last4: string; exp_month: number; exp_year: number;
  nickname: string | null; is_default: boolean; is_recurring: boolean; card_token: string; billing_address: Address;
  shipping_address: Address | null; shipment_status: ShipmentStatus | null; shipment_tracking: string | null;
  pin_offset: string | null; pin_pvki: string | null; pin_tries: number; pin_blocked: boolean;
  activation_code_hash: string | null; activation_tries: number; activation_locked: boolean;
  available_account_id: string; reserve_account_id: string; terminated_at: Date | null; created_at: Date; updated_at: Date | null;
  authorization_mode: 'direct' | 'reserve' | null;
};

export const toCard = (r: CardRow): Card => ({
  id: r.id, merchantId: r.merchant_id, mode: r.mode, accountId: r.account_id, customerId: r.customer_id, type: r.type, brand: r.brand,
  status: r.status, tier: r.tier, currency: r.currency, bin: r.bin, last4: r.last4, expMonth: r.exp_month, expYear: r.exp_year,
  nickname: r.nickname, isDefault: r.is_default, isRecurring: r.is_recurring, cardToken: r.card_token, billingAddress: r.billing_address,
  shippingAddress: r.shipping_address, shipmentStatus: r.shipment_status, shipmentTracking: r.shipment_tracking,
  pinSet: r.pin_offset !== null, pinBlocked: r.pin_blocked, activationLocked: r.activation_locked, authorizationMode: r.authorization_mode,
  availableAccountId: r.available_account_id, reserveAccountId: r.reserve_account_id, terminatedAt: r.terminated_at,
  createdAt: r.created_at, updatedAt: r.updated_at,
});

export async function selectCardRow(q: Queryable, owner: { merchantId: string; mode: string }, id: string, forUpdate = false): Promise<CardRow | null> {
  const { rows } = await q.query<CardRow>(
    `SELECT * FROM cards WHERE id = $1 AND merchant_id = $2 AND mode = $3${forUpdate ? ' FOR UPDATE' : ''}`, [id, owner.merchantId, owner.mode]);
  return rows[0] ?? null;
}

export async function countLiveCards(q: Queryable, accountId: string, type: CardType): Promise<number> {
  const { rows } = await q.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM cards WHERE account_id = $1 AND type = $2 AND status IN ('PENDING_ACTIVATION', 'ACTIVE', 'INACTIVE', 'EXPIRED')`,
    [accountId, type]);
  return rows[0]!.n;
}

export async function insertCard(q: Queryable, c: Record<string, unknown>): Promise<Card> {
  const cols = Object.keys(c);
  const { rows } = await q.query<CardRow>(
    `INSERT INTO cards (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING *`,
    cols.map((k) => { const v = c[k]; return v !== null && typeof v === 'object' && !Buffer.isBuffer(v) && !(v instanceof Date) ? JSON.stringify(v) : v; }));
  return toCard(rows[0]!);
}

/** Set the given columns; returns the updated card. */
export async function updateCard(q: Queryable, id: string, set: Record<string, unknown>, at: Date): Promise<Card> {
  const cols = Object.keys(set);
  const { rows } = await q.query<CardRow>(
    `UPDATE cards SET ${cols.map((k, i) => `${k} = $${i + 2}`).join(', ')}, updated_at = $${cols.length + 2} WHERE id = $1 RETURNING *`,
    [id, ...cols.map((k) => set[k]), at]);
  return toCard(rows[0]!);
}

export async function selectCards(
  q: Queryable, owner: { merchantId: string; mode: string }, f: CardFilter, expiryBound: { year: number; month: number } | null,
  limit: number, before: string | null,
): Promise<Card[]> {
  const { rows } = await q.query<CardRow>(
    `SELECT * FROM cards WHERE merchant_id = $1 AND mode = $2
       AND ($3::text IS NULL OR status = $3) AND ($4::text IS NULL OR customer_id = $4)
       AND ($5::text IS NULL OR account_id = $5) AND ($6::text IS NULL OR type = $6)
       AND ($7::int IS NULL OR (exp_year * 12 + exp_month) <= $7)
       AND ($8::text IS NULL OR id < $8) AND ($10::text[] IS NULL OR status = ANY($10))
     ORDER BY id DESC LIMIT $9`,
    [owner.merchantId, owner.mode, f.status ?? null, f.customerId ?? null, f.accountId ?? null, f.type ?? null,
      expiryBound ? expiryBound.year * 12 + expiryBound.month : null, before, limit, f.statuses ?? null]);
  return rows.map(toCard);
}
