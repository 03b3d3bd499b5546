import type { Tx } from '../db/index.ts';
import { isValidPan, type KeyProvider } from '../crypto/index.ts';
import { luhnValid } from '../lib/luhn.ts';
import { DomainError } from '../lib/errors.ts';
import type { ActionContext } from '../lib/context.ts';
import { appendAudit } from '../audit/index.ts';
import type { Owner } from '../customers/index.ts';
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
 * Operator: import pre-printed physical card numbers. Each number is
 * Luhn-checked, sealed like any PAN, and refused if it is already known.
 * All-or-nothing: an error names the index of the first bad item.
 */
export async function importCardStock(tx: Tx, keys: KeyProvider, items: StockItem[], ctx: ActionContext): Promise<{ imported: number }> {
  for (const [i, item] of items.entries()) {
    const param = `cards.${i}.card_number`;
    if (!luhnValid(item.card_number) || !isValidPan(item.card_number)) {
      throw new DomainError('parameter_invalid', `Card ${i}: the number is not a valid card number (Luhn check).`, param);
    }
    const fingerprint = await keys.fingerprint(item.card_number);
    const known = await tx.query('SELECT 1 FROM cards WHERE pan_fingerprint = $1 UNION ALL SELECT 1 FROM card_stock WHERE pan_fingerprint = $1', [fingerprint]);
    if (known.rows.length > 0) throw new DomainError('resource_exists', `Card ${i}: this number is already known.`, param);
    const sealed = await keys.seal(Buffer.from(item.card_number), `stock:v1:${fingerprint}`);
    await tx.query(
      `INSERT INTO card_stock (pan_fingerprint, pan_sealed, brand, bin, last4, exp_month, exp_year, currency, imported_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [fingerprint, sealed, item.brand, item.card_number.slice(0, 6), item.card_number.slice(-4), item.exp_month, item.exp_year, item.currency, ctx.at]);
  }
  await appendAudit(tx, { ...ctx, action: 'card_stock.import', target: null, result: 'success', details: { count: items.length } });
  return { imported: items.length };
}

/** Assign a stock card by its number to a KYC-passed customer's account (KazePay ucardAssign). */
export async function assignFromStock(
  tx: Tx, owner: Owner, input: { account_id: string; card_number: string; auto_activate: boolean }, ctx: CardContext,
): Promise<Card> {
  const notInStock = () => new DomainError('resource_not_found', 'No unassigned stock card has this number.', 'card_number');
  if (!luhnValid(input.card_number)) throw new DomainError('parameter_invalid', 'The card number is not valid (Luhn check).', 'card_number');
  const fingerprint = await ctx.keys.fingerprint(input.card_number);
  const { rows } = await tx.query<{ pan_sealed: Buffer; brand: Brand; exp_month: number; exp_year: number; currency: string; assigned_card_id: string | null }>(
    'SELECT * FROM card_stock WHERE pan_fingerprint = $1 FOR UPDATE', [fingerprint]);
  const stock = rows[0];
  if (!stock || stock.assigned_card_id !== null) throw notInStock();
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
