import type { Queryable, Tx } from '../db/index.ts';
import { DomainError, notFound } from '../lib/errors.ts';
import { isId, newId } from '../lib/ids.ts';
import type { ActionContext } from '../lib/context.ts';
import { appendEvent } from '../events/index.ts';
import { getCustomer, type Owner } from '../customers/index.ts';
import { ensureMerchantLedgerAccounts, ledgerOf } from './ledger-accounts.ts';

export { ensureMerchantLedgerAccounts, ledgerOf, merchantAccountId, cardSettlementAccountId, SETTLEMENT_SHARDS, type MerchantAccountKind } from './ledger-accounts.ts';

/** A customer's account that cards hang off (seed 004): one currency, any number of cards within policy. */
export interface Account {
  id: string;
  merchantId: string;
  mode: Owner['mode'];
  customerId: string;
  currency: string;
  createdAt: Date;
}

type Row = { id: string; merchant_id: string; mode: Owner['mode']; customer_id: string; currency: string; created_at: Date };
const toAccount = (r: Row): Account => ({
  id: r.id, merchantId: r.merchant_id, mode: r.mode, customerId: r.customer_id, currency: r.currency, createdAt: r.created_at,
});

export function presentAccount(a: Account) {
  return { id: a.id, object: 'account' as const, customer_id: a.customerId, currency: a.currency, livemode: a.mode === 'live', created_at: a.createdAt.toISOString() };
}

/**
 * Open an account in a currency. It also makes sure the merchant's ledger
 * accounts for that currency exist (wallet, settlement, fees, funding), so
 * that every later money movement on its cards has both sides ready.
 */
export async function createAccount(tx: Tx, owner: Owner, customerId: string, currency: string, ctx: ActionContext): Promise<Account> {
  const customer = await getCustomer(tx, owner, customerId);
  if (!(await ledgerOf(tx, currency))) {
    throw new DomainError('parameter_invalid', `Currency ${currency} is not supported; use an ISO 4217 code such as USD.`, 'currency');
  }
  await ensureMerchantLedgerAccounts(tx, owner, currency, ctx.at);
  const { rows } = await tx.query<Row>(
    'INSERT INTO accounts (id, merchant_id, mode, customer_id, currency, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *',
    [newId('account'), owner.merchantId, owner.mode, customer.id, currency, ctx.at]);
  const account = toAccount(rows[0]!);
  await appendEvent(tx, { ...owner, type: 'account.created', object: presentAccount(account), at: ctx.at });
  return account;
}

export async function getAccount(q: Queryable, owner: Owner, id: string, options: { forUpdate?: boolean } = {}): Promise<Account> {
  if (!isId('account', id)) throw notFound('account', 'accountId');
  const { rows } = await q.query<Row>(
    `SELECT * FROM accounts WHERE id = $1 AND merchant_id = $2 AND mode = $3${options.forUpdate ? ' FOR UPDATE' : ''}`,
    [id, owner.merchantId, owner.mode]);
  if (!rows[0]) throw notFound('account', 'accountId');
  return toAccount(rows[0]);
}

export async function listCustomerAccounts(q: Queryable, owner: Owner, customerId: string): Promise<Account[]> {
  await getCustomer(q, owner, customerId);
  const { rows } = await q.query<Row>(
    'SELECT * FROM accounts WHERE customer_id = $1 AND merchant_id = $2 AND mode = $3 ORDER BY id DESC', [customerId, owner.merchantId, owner.mode]);
  return rows.map(toAccount);
}
