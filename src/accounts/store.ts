import type { Queryable } from '../db/index.ts';
import type { Owner } from '../customers/index.ts';
import type { Account } from './types.ts';

type Row = { id: string; merchant_id: string; mode: Owner['mode']; customer_id: string; currency: string; created_at: Date };
const toAccount = (r: Row): Account => ({
  id: r.id, merchantId: r.merchant_id, mode: r.mode, customerId: r.customer_id, currency: r.currency, createdAt: r.created_at,
});
const COLUMNS = 'id, merchant_id, mode, customer_id, currency, created_at';

/**
 * Inserts the customer's account in a currency unless it has one (the unique index of migration 0021); null then.
 * A concurrent insert of the same customer and currency waits for the first to commit and then does nothing.
 */
export async function insertAccount(q: Queryable, id: string, owner: Owner, customerId: string, currency: string, at: Date): Promise<Account | null> {
  const { rows } = await q.query<Row>(
    `INSERT INTO accounts (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (customer_id, currency) WHERE duplicate_of IS NULL DO NOTHING RETURNING ${COLUMNS}`,
    [id, owner.merchantId, owner.mode, customerId, currency, at]);
  return rows[0] ? toAccount(rows[0]) : null;
}

/** The customer's account in a currency (the canonical one where older duplicates exist), or null. */
export async function selectCustomerAccount(q: Queryable, customerId: string, currency: string): Promise<Account | null> {
  const { rows } = await q.query<Row>(
    `SELECT ${COLUMNS} FROM accounts WHERE customer_id = $1 AND currency = $2 AND duplicate_of IS NULL`, [customerId, currency]);
  return rows[0] ? toAccount(rows[0]) : null;
}

export async function selectAccount(q: Queryable, owner: Owner, id: string, forUpdate: boolean): Promise<Account | null> {
  const { rows } = await q.query<Row>(
    `SELECT ${COLUMNS} FROM accounts WHERE id = $1 AND merchant_id = $2 AND mode = $3${forUpdate ? ' FOR UPDATE' : ''}`,
    [id, owner.merchantId, owner.mode]);
  return rows[0] ? toAccount(rows[0]) : null;
}

export async function selectCustomerAccounts(q: Queryable, owner: Owner, customerId: string): Promise<Account[]> {
  const { rows } = await q.query<Row>(
    `SELECT ${COLUMNS} FROM accounts WHERE customer_id = $1 AND merchant_id = $2 AND mode = $3 ORDER BY id DESC`,
    [customerId, owner.merchantId, owner.mode]);
  return rows.map(toAccount);
}
