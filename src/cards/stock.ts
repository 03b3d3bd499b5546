import type { Tx } from '../db/index.ts';
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
  card_number: string;
  brand: Brand;
  exp_month: number;
  exp_year: number;
  currency: string;
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
    if (!luhnValid(item.card_number) || !isValidPan(item.card_number)) {
      throw new DomainError('parameter_invalid', `Card ${i}: the number is not a valid card number (Luhn check).`, param);
    }
    const fingerprint = await keys.fingerprint(item.card_number);
    // A card, or stock that has an owner, makes the number known; ownerless stock (from before migration 0012) is claimed.
    const known = await tx.query<{ ownerless: boolean }>(
      `SELECT false AS ownerless FROM cards WHERE pan_fingerprint = $1
       UNION ALL SELECT merchant_id IS NULL FROM card_stock WHERE pan_fingerprint = $1`, [fingerprint]);
    if (known.rows.some((r) => !r.ownerless)) throw new DomainError('resource_exists', `Card ${i}: this number is already known.`, param);
    const sealed = await keys.seal(Buffer.from(item.card_number), `stock:v1:${fingerprint}`);
    const values = [fingerprint, sealed, item.brand, item.card_number.slice(0, 6), item.card_number.slice(-4), item.exp_month,
      item.exp_year, item.currency, ctx.at, owner.merchantId, owner.mode];
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
  tx: Tx, owner: Owner, input: { account_id: string; card_number: string; auto_activate: boolean }, ctx: CardContext,
): Promise<Card> {
  if (!luhnValid(input.card_number)) throw new DomainError('parameter_invalid', 'The card number is not valid (Luhn check).', 'card_number');
  const fingerprint = await ctx.keys.fingerprint(input.card_number);
  const { rows } = await tx.query<{ brand: Brand; exp_month: number; exp_year: number; currency: string }>(
    `SELECT brand, exp_month, exp_year, currency FROM card_stock
     WHERE pan_fingerprint = $1 AND merchant_id = $2 AND mode = $3 AND assigned_card_id IS NULL
     FOR UPDATE`, [fingerprint, owner.merchantId, owner.mode]);
  const stock = rows[0];
  if (!stock) throw new DomainError('resource_not_found', 'No unassigned stock card has this number.', 'card_number');
  const account = await getAccount(tx, owner, input.account_id);
  if (account.currency !== stock.currency) {
    throw new DomainError('parameter_invalid', `The stock card is in ${stock.currency}; the account is in ${account.currency}.`, 'card_number');
  }
  const card = await issueCard(tx, owner, input.account_id, { type: 'physical', brand: stock.brand }, ctx, {
    pan: input.card_number, fingerprint, expMonth: stock.exp_month, expYear: stock.exp_year, autoActivate: input.auto_activate,
  });
  await tx.query('UPDATE card_stock SET assigned_card_id = $2 WHERE pan_fingerprint = $1', [fingerprint, card.id]);
  return card;
}
