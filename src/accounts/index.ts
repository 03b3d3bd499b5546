import type { Queryable, Tx } from '../db/index.ts';
import { assert } from '../lib/assert.ts';
import { DomainError, notFound } from '../lib/errors.ts';
import { isId, newId } from '../lib/ids.ts';
import type { ActionContext } from '../lib/context.ts';
import { appendEvent } from '../events/index.ts';
import { getCustomer, type Owner } from '../customers/index.ts';
import { ensureMerchantLedgerAccounts, ledgerOf } from './ledger-accounts.ts';
import { accountPayload } from './present.ts';
import * as store from './store.ts';
import type { Account } from './types.ts';

export { ensureMerchantLedgerAccounts, ledgerOf, merchantAccountId, cardSettlementAccountId, SETTLEMENT_SHARDS, type MerchantAccountKind } from './ledger-accounts.ts';
export { accountPayload } from './present.ts';
export type { Account } from './types.ts';

/**
 * Insert the customer's account in a currency unless it has one (null then). It also makes sure the merchant's
 * ledger accounts for that currency exist (wallet, settlement, fees, funding), so that every later money movement
 * on its cards has both sides ready.
 */
async function openAccount(tx: Tx, owner: Owner, customerId: string, currency: string, ctx: ActionContext): Promise<Account | null> {
  if (!(await ledgerOf(tx, currency))) {
    throw new DomainError('parameter_invalid', `Currency ${currency} is not supported; use an ISO 4217 code such as USD.`, 'currency');
  }
  await ensureMerchantLedgerAccounts(tx, owner, currency, ctx.at);
  const account = await store.insertAccount(tx, newId('account'), owner, customerId, currency, ctx.at);
  if (account) await appendEvent(tx, { ...owner, type: 'account.created', object: accountPayload(account), at: ctx.at });
  return account;
}

/** Open a customer's account in a currency (POST /v1/customers/{id}/accounts): one per currency, 409 for a second. */
export async function createAccount(tx: Tx, owner: Owner, customerId: string, currency: string, ctx: ActionContext): Promise<Account> {
  const customer = await getCustomer(tx, owner, customerId);
  const account = await openAccount(tx, owner, customer.id, currency, ctx);
  if (!account) throw new DomainError('resource_exists', `The customer already has an account in ${currency}.`, 'currency');
  return account;
}

/**
 * accounts.ensure: the customer's account in a currency, opened if it has none. Every path that needs an account
 * without the merchant naming one (the KrezyPay and KazePay facades) goes through here, so one customer has one
 * account per currency whichever facade asks, and concurrent requests agree on it (the unique index of migration
 * 0021; the loser of a race reads the winner's account once it commits).
 */
export async function ensureAccount(tx: Tx, owner: Owner, customerId: string, currency: string, ctx: ActionContext): Promise<Account> {
  const customer = await getCustomer(tx, owner, customerId);
  const existing = await store.selectCustomerAccount(tx, customer.id, currency);
  if (existing) return existing;
  const opened = await openAccount(tx, owner, customer.id, currency, ctx);
  if (opened) return opened;
  const raced = await store.selectCustomerAccount(tx, customer.id, currency);
  assert(raced, 'an account insert that conflicted must find the committed account (READ COMMITTED)');
  return raced;
}

export async function getAccount(q: Queryable, owner: Owner, id: string, options: { forUpdate?: boolean } = {}): Promise<Account> {
  const account = isId('account', id) ? await store.selectAccount(q, owner, id, options.forUpdate ?? false) : null;
  if (!account) throw notFound('account', 'accountId');
  return account;
}

/** Every account of the customer, newest first (older duplicates from before migration 0021 included). */
export async function listCustomerAccounts(q: Queryable, owner: Owner, customerId: string): Promise<Account[]> {
  await getCustomer(q, owner, customerId);
  return store.selectCustomerAccounts(q, owner, customerId);
}
