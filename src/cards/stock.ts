import type { Queryable, Tx } from '../db/index.ts';
import { isValidPan, type KeyProvider } from '../crypto/index.ts';
import { luhnValid } from '../lib/luhn.ts';
import { DomainError, notFound } from '../lib/errors.ts';
import { assert } from '../lib/assert.ts';
import type { ActionContext } from '../lib/context.ts';
import { appendAudit } from '../audit/index.ts';
import type { Owner } from '../customers/index.ts';
import { getMerchant } from '../merchants/index.ts';
import { getAccount } from '../accounts/index.ts';
import type { Brand, Card } from './types.ts';
import { issueCard, type CardContext } from './index.ts';

/** Why 1,000: one import is one transaction; a print run is loaded in several calls. */
export const STOCK_IMPORT_MAX = 1_000;

export interface StockItem {
  cardNumber: string;
  brand: Brand;
  expMonth: number;
  expYear: number;
  currency: string;
}

/** A stock card to assign: its number, the account it goes to, and whether it is ACTIVE at once. */
export interface StockAssignment {
  accountId: string;
  cardNumber: string;
  autoActivate: boolean;
}

/**
 * Operator: import pre-printed physical card numbers for one merchant and mode;
 * only that merchant, with a key of that mode, can assign them. Each number is
 * Luhn-checked, sealed like any PAN, and refused if it is already known, except
 * a row imported before stock had an owner (migration 0012): importing that
 * number again gives it this owner. All-or-nothing: an error names the index
 * of the first bad item.
 */
export async function importCardStock(
  tx: Tx, keys: KeyProvider, owner: Owner, items: StockItem[], ctx: ActionContext,
): Promise<{ imported: number }> {
  await ownerMustExist(tx, owner);
  let claimed = 0;
  for (const [i, item] of items.entries()) {
    const param = `cards.${i}.card_number`;
    if (!luhnValid(item.cardNumber) || !isValidPan(item.cardNumber)) {
      throw new DomainError('parameter_invalid', `Card ${i}: the number is not a valid card number (Luhn check).`, param);
    }
    const fingerprint = await keys.fingerprint(item.cardNumber);
    // A card, or stock that has an owner, makes the number known; ownerless stock (from before migration 0012) is claimed.
    const known = await tx.query<{ ownerless: boolean }>(
      `SELECT false AS ownerless FROM cards WHERE pan_fingerprint = $1
       UNION ALL SELECT merchant_id IS NULL FROM card_stock WHERE pan_fingerprint = $1`, [fingerprint]);
    if (known.rows.some((r) => !r.ownerless)) throw new DomainError('resource_exists', `Card ${i}: this number is already known.`, param);
    const sealed = await keys.seal(Buffer.from(item.cardNumber), `stock:v1:${fingerprint}`);
    const values = [fingerprint, sealed, item.brand, item.cardNumber.slice(0, 6), item.cardNumber.slice(-4), item.expMonth,
      item.expYear, item.currency, ctx.at, owner.merchantId, owner.mode];
    if (known.rows.length === 0) {
      await tx.query(
        `INSERT INTO card_stock (pan_fingerprint, pan_sealed, brand, bin, last4, exp_month, exp_year, currency, imported_at, merchant_id, mode)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`, values);
    } else {
      const updated = await tx.query(
        `UPDATE card_stock SET pan_sealed = $2, brand = $3, bin = $4, last4 = $5, exp_month = $6, exp_year = $7, currency = $8,
           imported_at = $9, merchant_id = $10, mode = $11
         WHERE pan_fingerprint = $1 AND merchant_id IS NULL AND assigned_card_id IS NULL`, values);
      assert(updated.rowCount === 1, 'ownerless stock is never assigned (constraint card_stock_assigned_owned)');
      claimed++;
    }
  }
  await appendAudit(tx, {
    ...ctx, action: 'card_stock.import', target: owner.merchantId, result: 'success',
    details: { merchant_id: owner.merchantId, mode: owner.mode, count: items.length, claimed_ownerless: claimed },
  });
  return { imported: items.length };
}

/** The stock's merchant must exist; the error names the body's field, not a path id. */
async function ownerMustExist(tx: Tx, owner: Owner): Promise<void> {
  try {
    await getMerchant(tx, owner.merchantId);
  } catch (err) {
    if (err instanceof DomainError && err.code === 'resource_not_found') throw notFound('merchant', 'merchant_id');
    throw err;
  }
}

/**
 * Assign a stock card by its number to a KYC-passed customer's account (KazePay
 * ucardAssign). Only stock imported for the caller's merchant and mode is found:
 * anyone else's number, an ownerless one and an unknown one answer the same 404
 * after the same single primary-key lookup, so the answer says nothing about
 * what is in stock.
 */
export async function assignFromStock(
  tx: Tx, owner: Owner, input: StockAssignment, ctx: CardContext,
): Promise<Card> {
  if (!luhnValid(input.cardNumber)) throw new DomainError('parameter_invalid', 'The card number is not valid (Luhn check).', 'card_number');
  const fingerprint = await ctx.keys.fingerprint(input.cardNumber);
  const { rows } = await tx.query<{ brand: Brand; exp_month: number; exp_year: number; currency: string }>(
    `SELECT brand, exp_month, exp_year, currency FROM card_stock
     WHERE pan_fingerprint = $1 AND merchant_id = $2 AND mode = $3 AND assigned_card_id IS NULL
     FOR UPDATE`, [fingerprint, owner.merchantId, owner.mode]);
  const stock = rows[0];
  if (!stock) throw new DomainError('resource_not_found', 'No unassigned stock card has this number.', 'card_number');
  const account = await getAccount(tx, owner, input.accountId);
  if (account.currency !== stock.currency) {
    throw new DomainError('parameter_invalid', `The stock card is in ${stock.currency}; the account is in ${account.currency}.`, 'card_number');
  }
  const card = await issueCard(tx, owner, input.accountId, { type: 'physical', brand: stock.brand }, ctx, {
    pan: input.cardNumber, fingerprint, expMonth: stock.exp_month, expYear: stock.exp_year, autoActivate: input.autoActivate,
  });
  await tx.query('UPDATE card_stock SET assigned_card_id = $2 WHERE pan_fingerprint = $1', [fingerprint, card.id]);
  return card;
}

/** Where a stock card stands: imported for a merchant and free, assigned to a card, or without an owner (migration 0012). */
export const STOCK_STATUSES = ['available', 'assigned', 'unowned'] as const;
export type StockStatus = (typeof STOCK_STATUSES)[number];

/** A stock card as the operator sees it: never the number, only its BIN and last four digits. */
export interface StockCard {
  /** Its place in import order: the list's cursor. */
  seq: bigint;
  brand: Brand;
  bin: string;
  last4: string;
  expMonth: number;
  expYear: number;
  currency: string;
  merchantId: string | null;
  mode: Owner['mode'] | null;
  status: StockStatus;
  assignedCardId: string | null;
  importedAt: Date;
}

export interface StockFilter {
  merchantId?: string | null;
  mode?: Owner['mode'] | null;
  status?: StockStatus | null;
}

/**
 * Operator: stock newest first (import order), filtered by merchant, mode and status; `startingAfter` is the seq of
 * the previous page's last row. The sealed number is not even read.
 */
export async function listCardStock(q: Queryable, filter: StockFilter, limit: number, startingAfter: bigint | null): Promise<StockCard[]> {
  const { rows } = await q.query<{
    seq: bigint; brand: Brand; bin: string; last4: string; exp_month: number; exp_year: number; currency: string;
    merchant_id: string | null; mode: Owner['mode'] | null; assigned_card_id: string | null; imported_at: Date;
  }>(
    `SELECT seq, brand, bin, last4, exp_month, exp_year, currency, merchant_id, mode, assigned_card_id, imported_at FROM card_stock
     WHERE ($1::bigint IS NULL OR seq < $1) AND ($2::text IS NULL OR merchant_id = $2) AND ($3::text IS NULL OR mode = $3)
       AND ($4::text IS NULL
         OR ($4 = 'assigned' AND assigned_card_id IS NOT NULL)
         OR ($4 = 'available' AND assigned_card_id IS NULL AND merchant_id IS NOT NULL)
         OR ($4 = 'unowned' AND merchant_id IS NULL))
     ORDER BY seq DESC LIMIT $5`,
    [startingAfter, filter.merchantId ?? null, filter.mode ?? null, filter.status ?? null, limit]);
  return rows.map((r) => ({
    seq: BigInt(r.seq), brand: r.brand, bin: r.bin, last4: r.last4, expMonth: r.exp_month, expYear: r.exp_year, currency: r.currency,
    merchantId: r.merchant_id, mode: r.mode, assignedCardId: r.assigned_card_id, importedAt: r.imported_at,
    status: r.assigned_card_id !== null ? 'assigned' : r.merchant_id === null ? 'unowned' : 'available',
  }));
}
